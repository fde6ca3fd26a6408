package garage

import (
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/format"
)

// FieldErrors holds one French message per form field, shown next to it.
type FieldErrors map[string]string

// Validator checks the fields of a form, one rule per kind of value, and
// collects a French message per invalid field. Every form of the site goes
// through it, so a rule says the same thing on every page. Each method
// returns the value cleaned up (trimmed, normalised) and records the first
// problem of its field; labels are the field's French name with its article
// ("Le nom", "L'adresse e-mail").
type Validator struct {
	Errors FieldErrors
}

// NewValidator returns a validator with no error yet.
func NewValidator() *Validator { return &Validator{Errors: FieldErrors{}} }

// Valid reports whether no field has an error.
func (v *Validator) Valid() bool { return len(v.Errors) == 0 }

// Fail records msg for field unless the field already has an error.
func (v *Validator) Fail(field, msg string) {
	if _, ok := v.Errors[field]; !ok {
		v.Errors[field] = msg
	}
}

// Check records msg for field when ok is false.
func (v *Validator) Check(ok bool, field, msg string) {
	if !ok {
		v.Fail(field, msg)
	}
}

// Has reports whether field has an error.
func (v *Validator) Has(field string) bool { _, ok := v.Errors[field]; return ok }

// The wordings of the rules.
const (
	msgChoose = "Choisissez une valeur dans la liste."
	// MsgPlate, MsgEmail and MsgPhone are the plate, e-mail and phone rules' messages.
	MsgPlate      = "L'immatriculation n'est pas valide (exemple : AB-123-CD, ou 123\u00a0ABC\u00a031 pour une ancienne plaque)."
	MsgEmail      = "L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."
	MsgPhone      = "Le numéro de téléphone n'est pas valide (exemple : 06\u00a012\u00a034\u00a056\u00a078 ou +33\u00a06\u00a012\u00a034\u00a056\u00a078)."
	msgSIRET      = "Le numéro SIRET compte 14 chiffres et sa clé de contrôle doit être juste : vérifiez-le sur votre extrait Kbis."
	msgPostalCode = "Le code postal compte 5 chiffres."
	msgRating     = "Choisissez une note de 1 à 5 étoiles."
	msgSIREN      = "Le numéro SIREN compte 9 chiffres (les 9 premiers du SIRET) et sa clé de contrôle doit être juste."
	msgVAT        = "Le numéro de TVA intracommunautaire s'écrit FR, une clé de 2 chiffres et les 9 chiffres du SIREN (exemple : FR40\u00a0303\u00a0265\u00a0045) ; vérifiez la clé."
)

func msgAmount(label string, max int) string {
	return label + " doit être un montant en euros sans centimes, de 1 à " + format.Int(max) + "\u00a0€ (exemple : 7\u00a0500)."
}

func msgChars(label string) string    { return label + " contient des caractères non autorisés." }
func msgRequired(label string) string { return label + " est obligatoire." }
func msgTooLong(label string, n int) string {
	return label + " ne doit pas dépasser " + strconv.Itoa(n) + " caractères."
}
func msgTooShort(label string, n int) string {
	return label + " doit compter au moins " + strconv.Itoa(n) + " caractères."
}

// Line checks a one-line text of at most max characters, required or not:
// no control character (a line break in a name could forge an e-mail
// header), runs of spaces kept as typed but the ends trimmed.
func (v *Validator) Line(field, label, value string, required bool, max int) string {
	value = strings.TrimSpace(value)
	switch n := utf8.RuneCountInString(value); {
	case !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl):
		v.Fail(field, msgChars(label))
		return ""
	case n == 0 && required:
		v.Fail(field, msgRequired(label))
	case n > max:
		v.Fail(field, msgTooLong(label, max))
	}
	return value
}

// Text checks a text of several lines, between min and max characters
// (min 0 for none); line ends become "\n", tabs are allowed.
func (v *Validator) Text(field, label, value string, required bool, min, max int) string {
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(value); {
	case !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		v.Fail(field, msgChars(label))
		return ""
	case n == 0 && required:
		v.Fail(field, msgRequired(label))
	case n > 0 && n < min:
		v.Fail(field, msgTooShort(label, min))
	case n > max:
		v.Fail(field, msgTooLong(label, max))
	}
	return value
}

// Email checks one bare e-mail address with a dotted domain.
func (v *Validator) Email(field, label, value string, required bool) string {
	return v.matching(field, label, value, required, ValidEmail, MsgEmail)
}

// matching checks a required or optional one-line value against a rule
// that knows every character it accepts, so that any other (a line break
// included) gets the rule's own message.
func (v *Validator) matching(field, label, value string, required bool, valid func(string) bool, msg string) string {
	value = strings.TrimSpace(value)
	switch {
	case value == "":
		v.Check(!required, field, msgRequired(label))
	case !valid(value):
		v.Fail(field, msg)
	}
	return value
}

// ValidEmail accepts one bare address with a dotted domain, as net/mail
// parses it: no display name, no list, nothing a mail header could misread.
func ValidEmail(s string) bool {
	if len(s) > MaxEmail || strings.ContainsAny(s, " <>,;\"\\") {
		return false
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// MaxEmail and MaxPhone bound an e-mail address and a phone number as typed.
const (
	MaxEmail = 254
	MaxPhone = 30
)

// Phone checks a phone number: French (06 12 34 56 78, +33 6 12 34 56 78)
// or international (+44 20 7946 0958), with spaces, dots, dashes or
// parentheses between the digits.
func (v *Validator) Phone(field, label, value string, required bool) string {
	return v.matching(field, label, value, required, ValidPhone, MsgPhone)
}

var (
	phoneFR   = regexp.MustCompile(`^(?:0|\+33|0033)[1-9][0-9]{8}$`)
	phoneIntl = regexp.MustCompile(`^(?:\+|00)[1-9][0-9]{6,14}$`)
)

// ValidPhone is the phone rule of Validator.Phone.
func ValidPhone(s string) bool {
	if len(s) > MaxPhone {
		return false
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "+33") || strings.HasPrefix(n, "0033") || strings.HasPrefix(n, "0") && !strings.HasPrefix(n, "00") {
		return phoneFR.MatchString(n)
	}
	return phoneIntl.MatchString(n)
}

// spaces are the separators people type inside numbers.
var spaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// SIRET checks a SIRET number (spaces allowed) and returns its 14 digits.
func (v *Validator) SIRET(field, label, value string) string {
	return v.matching(field, label, spaces.Replace(value), true, ValidSIRET, msgSIRET)
}

// ValidSIRET checks 14 digits whose Luhn checksum is right. (La Poste's
// establishments follow another rule; the garage is not one of them.)
func ValidSIRET(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum := 0
	for i := 0; i < 14; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n := int(c - '0')
		if i%2 == 0 { // from the right, every second digit is doubled
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// PostalCode checks a French postal code: 5 digits.
func (v *Validator) PostalCode(field, label, value string) string {
	return v.matching(field, label, value, true, func(s string) bool {
		return len(s) == 5 && strings.Trim(s, "0123456789") == ""
	}, msgPostalCode)
}

// Int checks an optional whole number between min and max (spaces and a
// "€" allowed, as typed in French). It returns 0 and false when the field is
// empty or wrong; unit ("€", "km", "ch") completes the message.
func (v *Validator) Int(field, label, value string, min, max int, unit string) (int, bool) {
	value = strings.TrimSuffix(spaces.Replace(strings.TrimSpace(value)), "€")
	if value == "" {
		return 0, false
	}
	if len(value) > 12 || strings.Trim(value, "0123456789") != "" {
		v.Fail(field, msgInt(label, min, max, unit))
		return 0, false
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < min || n > max {
		v.Fail(field, msgInt(label, min, max, unit))
		return 0, false
	}
	return n, true
}

func msgInt(label string, min, max int, unit string) string {
	bound := func(n int) string {
		if n < 10000 {
			return strconv.Itoa(n)
		}
		return format.Int(n)
	}
	if unit != "" {
		unit = "\u202f" + unit
	}
	return label + " doit être un nombre entier entre " + bound(min) + " et " + bound(max) + unit + "."
}

// Plate checks a French registration plate (ParsePlate) and returns it in
// its canonical form, or "" when it is empty or wrong.
func (v *Validator) Plate(field, label, value string, required bool) string {
	value = strings.TrimSpace(value)
	if value == "" {
		v.Check(!required, field, msgRequired(label))
		return ""
	}
	p, err := ParsePlate(value)
	if err != nil {
		v.Fail(field, MsgPlate)
		return ""
	}
	return p
}

// Choose records the list rule's message on field unless valid: for a
// value picked from a fixed list (a select, radio buttons).
func (v *Validator) Choose(field string, valid bool) {
	v.Check(valid, field, msgChoose)
}

// Rating checks a review's rating, 1 to 5 stars.
func (v *Validator) Rating(field, value string) int {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < 1 || n > 5 {
		v.Fail(field, msgRating)
		return 0
	}
	return n
}

// Date checks a YYYY-MM-DD date (what <input type="date"> sends) between
// earliest and latest, days included; a zero bound does not bound. It
// returns the day at midnight UTC, or the zero time when the field is empty
// or wrong.
func (v *Validator) Date(field, label, value string, required bool, earliest, latest time.Time) time.Time {
	value = strings.TrimSpace(value)
	if value == "" {
		v.Check(!required, field, msgRequired(label))
		return time.Time{}
	}
	d, err := time.Parse(DateLayout, value)
	switch {
	case len(value) > 10 || err != nil:
		v.Fail(field, label+" n'est pas une date valide (jj/mm/aaaa).")
		return time.Time{}
	case !earliest.IsZero() && d.Before(dayOf(earliest)):
		v.Fail(field, label+" est trop loin dans le passé.")
		return time.Time{}
	case !latest.IsZero() && d.After(dayOf(latest)):
		v.Fail(field, label+" ne peut pas être dans le futur.")
		return time.Time{}
	}
	return d
}

// DateText is d as kept in text columns (YYYY-MM-DD), "" for the zero time.
func DateText(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(DateLayout)
}

// SquashSpaces trims s and turns every run of spaces into one: a name then
// compares and shows the same however it was typed.
func SquashSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// First is the error of the first of fields that has one, "" when none
// has: for a form that shows one message above it rather than one per field.
func (v *Validator) First(fields ...string) string {
	for _, f := range fields {
		if msg, ok := v.Errors[f]; ok {
			return msg
		}
	}
	return ""
}

// SIREN checks a SIREN number (9 digits, spaces allowed, Luhn checksum) and
// returns its digits.
func (v *Validator) SIREN(field, label, value string, required bool) string {
	return v.matching(field, label, spaces.Replace(value), required, ValidSIREN, msgSIREN)
}

// ValidSIREN checks 9 digits whose Luhn checksum is right.
func ValidSIREN(s string) bool {
	return len(s) == 9 && ValidSIRET("00000"+s)
}

// VAT checks a French intra-community VAT number ("FR", a 2-digit key,
// the SIREN; spaces allowed, any case) and returns it as "FR40303265045".
func (v *Validator) VAT(field, label, value string, required bool) string {
	return v.matching(field, label, strings.ToUpper(spaces.Replace(value)), required, ValidVAT, msgVAT)
}

// ValidVAT checks a French VAT number: its key is (12 + 3 × (SIREN mod 97))
// mod 97.
func ValidVAT(s string) bool {
	if len(s) != 13 || !strings.HasPrefix(s, "FR") || strings.Trim(s[2:], "0123456789") != "" || !ValidSIREN(s[4:]) {
		return false
	}
	key, _ := strconv.Atoi(s[2:4])
	siren, _ := strconv.Atoi(s[4:])
	return key == (12+3*(siren%97))%97
}

// Amount checks a whole amount in euros from 1 to max, as typed in French
// ("7 500", "7500 €", "7 500,00 €"). It returns 0 when the field is empty
// (an error when required) or wrong.
func (v *Validator) Amount(field, label, value string, required bool, max int) int {
	value = strings.TrimSpace(strings.TrimSuffix(spaces.Replace(strings.TrimSpace(value)), "€"))
	for _, cents := range []string{",00", ".00", ",0"} {
		value = strings.TrimSuffix(value, cents)
	}
	if value == "" {
		v.Check(!required, field, msgRequired(label))
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil || len(value) > 12 || strings.Trim(value, "0123456789") != "" || n < 1 || n > max {
		v.Fail(field, msgAmount(label, max))
		return 0
	}
	return n
}
