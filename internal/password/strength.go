package password

import (
	"crypto/rand"
	_ "embed"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of a new password, in characters (runes).
const (
	MinLength = 12
	MaxLength = 256
)

// WeaknessError is the error returned by CheckStrength. Its text is a French
// sentence meant for the person choosing the password, to show as is.
type WeaknessError string

func (e WeaknessError) Error() string { return string(e) }

// The reasons CheckStrength refuses a password.
const (
	ErrTooShort      WeaknessError = "Le mot de passe doit contenir au moins 12 caractères."
	ErrTooLong       WeaknessError = "Le mot de passe est trop long : 256 caractères au maximum."
	ErrInvalidChars  WeaknessError = "Le mot de passe contient des caractères non autorisés (caractères de contrôle ou encodage invalide)."
	ErrRepeated      WeaknessError = "Le mot de passe ne doit pas être un seul caractère répété."
	ErrCommon        WeaknessError = "Ce mot de passe est trop courant et serait deviné facilement : choisissez-en un autre."
	ErrContainsEmail WeaknessError = "Le mot de passe ne doit pas contenir votre adresse e-mail."
)

// commonList is the embedded list of common passwords, one per line in lower
// case, with '#' comment lines.
//
//go:embed common.txt
var commonList string

// CheckStrength returns nil if pw is acceptable as a new password for the
// account with the given e-mail address (which may be empty), or one of the
// WeaknessError constants above. A password must have between MinLength and MaxLength
// characters, must not be a single repeated character nor a common password
// (possibly followed by digits and punctuation), and must not contain the
// local part of the e-mail address.
func CheckStrength(pw, email string) error {
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		return ErrInvalidChars
	}
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return ErrTooShort
	}
	if n > MaxLength {
		return ErrTooLong
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return ErrRepeated
	}
	lower := strings.ToLower(pw)
	if isCommon(lower) {
		return ErrCommon
	}
	// A common word followed only by digits and punctuation ("Toulouse31000!").
	if stem := strings.TrimRightFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }); stem != lower && isCommon(stem) {
		return ErrCommon
	}
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" {
		local, _, _ := strings.Cut(email, "@")
		if lower == email || strings.Contains(lower, email) ||
			(utf8.RuneCountInString(local) >= 3 && strings.Contains(lower, local)) {
			return ErrContainsEmail
		}
	}
	return nil
}

// isCommon reports whether s is a whole line of the common list.
func isCommon(s string) bool {
	if s == "" || strings.HasPrefix(s, "#") {
		return false
	}
	list := commonList
	for list != "" {
		i := strings.Index(list, s)
		if i < 0 {
			return false
		}
		end := i + len(s)
		if (i == 0 || list[i-1] == '\n') && (end == len(list) || list[end] == '\n' || list[end] == '\r') {
			return true
		}
		list = list[i+1:]
	}
	return false
}

// generateAlphabet leaves out look-alike characters (0/O/o, 1/l/I).
const generateAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GenerateLength is the length of the passwords made by Generate.
const GenerateLength = 20

// Generate returns a strong random password of GenerateLength characters from
// an alphabet without look-alike characters, for demonstration accounts.
func Generate() string {
	size := big.NewInt(int64(len(generateAlphabet)))
	b := make([]byte, GenerateLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, size)
		if err != nil {
			panic("password: crypto/rand failed: " + err.Error()) // never happens since Go 1.24
		}
		b[i] = generateAlphabet[n.Int64()]
	}
	return string(b)
}
