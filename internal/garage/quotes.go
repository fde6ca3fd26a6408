package garage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/hours"
)

// Quotes (devis): lines priced in integer cents, totals HT, TVA and TTC
// computed line by line with the French rounding (half away from zero),
// statuses, the number D-YYYY-NNNN given when the quote is sent, and the
// SHA-256 of the exact content a customer accepts.

// DefaultVATBasisPoints is the standard French VAT rate, 20 %.
const DefaultVATBasisPoints = 2000

// Limits of the money arithmetic: an absurd amount (10^12 €) is refused
// long before any sum could overflow.
const (
	QuoteMaxUnitCents = 10_000_000 // 100 000 € for one unit
	QuoteMaxQuantity  = 100_000    // 1 000,00 units or hours (in hundredths)
	QuoteMaxLines     = 50
	QuoteMaxLabel     = 200
	QuoteMaxRef       = 60
	QuoteMaxNotes     = 2000
	QuoteMaxReason    = 1000
	QuoteMaxName      = 100
)

// RoundDiv returns a/b rounded half away from zero (b > 0).
func RoundDiv(a, b int64) int64 {
	if a < 0 {
		return -RoundDiv(-a, b)
	}
	return (a + b/2) / b
}

// ParseCents reads a French amount in euros ("1 234,56", "89", "12.5")
// into cents; ok is false for anything else, a negative amount or more
// than two decimals.
func ParseCents(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(strings.TrimSpace(s))
	s = strings.Replace(s, ",", ".", 1)
	if s == "" || len(s) > 15 {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

// ParseQuantity reads a quantity or a number of hours with up to two
// decimals ("1,5") into hundredths.
func ParseQuantity(s string) (int64, bool) { return ParseCents(s) }

// FormatCents shows cents the French way: 123456 -> "1 234,56 €" (narrow
// no-break spaces).
func FormatCents(c int64) string { return FormatDecimal(c) + "\u202f€" }

// FormatDecimal shows hundredths with a decimal comma: 150 -> "1,50".
func FormatDecimal(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + format.Int(int(c/100)) + "," + fmt.Sprintf("%02d", c%100)
}

// FormatQuantity shows a quantity in hundredths without useless decimals:
// 150 -> "1,5", 200 -> "2".
func FormatQuantity(q int64) string {
	s := FormatDecimal(q)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ",")
}

// LineKind is what a quote line prices.
type LineKind string

// The kinds of quote lines.
const (
	LineLabour  LineKind = "main-oeuvre" // hours × a labour rate of the board (TTC)
	LinePart    LineKind = "piece"       // reference × quantity × unit price HT
	LineForfait LineKind = "forfait"     // a fixed-price service of the board (TTC)
)

// Valid reports whether k is a known kind.
func (k LineKind) Valid() bool { return k == LineLabour || k == LinePart || k == LineForfait }

// Label is the kind's French name.
func (k LineKind) Label() string {
	switch k {
	case LineLabour:
		return "Main-d'œuvre"
	case LinePart:
		return "Pièce"
	case LineForfait:
		return "Forfait"
	}
	return string(k)
}

// QuoteLine is one line of a quote. Labour and forfaits are priced TTC
// (the board's prices), parts HT (the supplier's price); the line's three
// amounts are rounded once, so HT + TVA = TTC on every line.
type QuoteLine struct {
	Kind      LineKind `json:"kind"`
	Code      string   `json:"code,omitempty"` // the board's rate or forfait code
	Reference string   `json:"reference,omitempty"`
	Label     string   `json:"label"`
	Quantity  int64    `json:"quantity"`   // hundredths of a unit or an hour
	UnitCents int64    `json:"unit_cents"` // TTC for labour and forfaits, HT for parts
	HT        int64    `json:"ht"`
	VAT       int64    `json:"vat"`
	TTC       int64    `json:"ttc"`
}

// UnitTTC reports whether the line's unit price includes VAT.
func (l *QuoteLine) UnitTTC() bool { return l.Kind != LinePart }

// Compute sets the line's amounts at VAT rate vat (basis points).
func (l *QuoteLine) Compute(vat int64) {
	gross := RoundDiv(l.Quantity*l.UnitCents, 100)
	if l.UnitTTC() {
		l.TTC = gross
		l.HT = RoundDiv(gross*10000, 10000+vat)
		l.VAT = l.TTC - l.HT
		return
	}
	l.HT = gross
	l.VAT = RoundDiv(gross*vat, 10000)
	l.TTC = l.HT + l.VAT
}

// LineProblem is the French reason a line cannot be priced, "" when it can.
func LineProblem(l *QuoteLine) string {
	switch {
	case !l.Kind.Valid():
		return "Le type de ligne n'est pas valide."
	case l.Quantity <= 0:
		return "La quantité doit être supérieure à zéro."
	case l.Quantity > QuoteMaxQuantity:
		return "La quantité ne peut pas dépasser 1 000."
	case l.UnitCents < 0:
		return "Le prix ne peut pas être négatif."
	case l.UnitCents > QuoteMaxUnitCents:
		return "Le prix unitaire ne peut pas dépasser 100 000 €."
	}
	return ""
}

// Totals are a quote's sums.
type Totals struct{ HT, VAT, TTC int64 }

// ComputeTotals prices every line at vat and returns the sums of the
// rounded lines.
func ComputeTotals(lines []QuoteLine, vat int64) Totals {
	var t Totals
	for i := range lines {
		lines[i].Compute(vat)
		t.HT += lines[i].HT
		t.VAT += lines[i].VAT
		t.TTC += lines[i].TTC
	}
	return t
}

// QuoteStatus is where a quote stands.
type QuoteStatus string

// The quote statuses. Expired is never stored: a sent quote past its
// validity date is expired (Quote.State).
const (
	QuoteDraft    QuoteStatus = "brouillon"
	QuoteSent     QuoteStatus = "envoye"
	QuoteAccepted QuoteStatus = "accepte"
	QuoteRefused  QuoteStatus = "refuse"
	QuoteExpired  QuoteStatus = "expire"
)

// QuoteStatuses lists the statuses in the back office's order.
func QuoteStatuses() []QuoteStatus {
	return []QuoteStatus{QuoteDraft, QuoteSent, QuoteAccepted, QuoteRefused, QuoteExpired}
}

// Valid reports whether s is a known status.
func (s QuoteStatus) Valid() bool {
	switch s {
	case QuoteDraft, QuoteSent, QuoteAccepted, QuoteRefused, QuoteExpired:
		return true
	}
	return false
}

// Label is the status's French name.
func (s QuoteStatus) Label() string {
	switch s {
	case QuoteDraft:
		return "Brouillon"
	case QuoteSent:
		return "Envoyé"
	case QuoteAccepted:
		return "Accepté"
	case QuoteRefused:
		return "Refusé"
	case QuoteExpired:
		return "Expiré"
	}
	return string(s)
}

// CanBecome reports whether a quote may move from s to next: a draft is
// sent; a sent quote is accepted, refused or expires. Accepted, refused
// and expired quotes are final (a new version is a new quote).
func (s QuoteStatus) CanBecome(next QuoteStatus) bool {
	switch s {
	case QuoteDraft:
		return next == QuoteSent
	case QuoteSent:
		return next == QuoteAccepted || next == QuoteRefused || next == QuoteExpired
	}
	return false
}

// Quote is a quote for a customer's car.
type Quote struct {
	ID         int64
	Number     string // "D-2026-0001", given when sent
	Year       int
	Seq        int
	PreviousID *int64 // the quote this one is a new version of
	MessageID  *int64 // the quote request it answers
	Status     QuoteStatus
	Name       string
	Email      string
	Phone      string
	Plate      string
	Vehicle    string // make, model
	Notes      string
	Lines      []QuoteLine
	VAT        int64 // basis points
	Totals     Totals
	ValidUntil time.Time // a date (midnight UTC): valid through that day, Paris time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	SentAt     *time.Time
	AnsweredAt *time.Time
	// The customer's answer.
	AcceptedName  string
	AnswerIP      string
	AnswerAgent   string
	ContentHash   string // SHA-256 of Canonical() at acceptance
	RefusalReason string
}

// QuoteNumber formats the number of the seq-th quote of year.
func QuoteNumber(year, seq int) string { return fmt.Sprintf("D-%d-%04d", year, seq) }

// Expired reports whether a sent quote is past its validity at now (the
// validity date is the last day, Europe/Paris).
func (q *Quote) Expired(now time.Time) bool {
	if q.Status != QuoteSent || q.ValidUntil.IsZero() {
		return false
	}
	d := DateOnlyParis(now)
	return d.After(q.ValidUntil)
}

// State is the status shown at now: a sent quote past its validity is
// expired.
func (q *Quote) State(now time.Time) QuoteStatus {
	if q.Expired(now) {
		return QuoteExpired
	}
	return q.Status
}

// Editable reports whether the quote's lines may still change (drafts only).
func (q *Quote) Editable() bool { return q.Status == QuoteDraft }

// DateOnlyParis is t's day in Europe/Paris as midnight UTC.
func DateOnlyParis(t time.Time) time.Time {
	p := t.In(hours.Paris())
	return time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
}

// Reprice recomputes the lines and the totals at the quote's VAT rate: the
// only way totals are set, whatever a form said.
func (q *Quote) Reprice() { q.Totals = ComputeTotals(q.Lines, q.VAT) }

// canonicalQuote is the content a customer agrees to, in a fixed order.
type canonicalQuote struct {
	Number     string      `json:"number"`
	Name       string      `json:"name"`
	Plate      string      `json:"plate"`
	Vehicle    string      `json:"vehicle"`
	Notes      string      `json:"notes"`
	VAT        int64       `json:"vat_bp"`
	Lines      []QuoteLine `json:"lines"`
	HT         int64       `json:"total_ht"`
	TotalVAT   int64       `json:"total_vat"`
	TTC        int64       `json:"total_ttc"`
	ValidUntil string      `json:"valid_until"`
}

// Canonical is the quote's content as a customer sees it, serialised the
// same way every time (JSON of fixed fields in a fixed order).
func (q *Quote) Canonical() []byte {
	c := canonicalQuote{Number: q.Number, Name: q.Name, Plate: q.Plate, Vehicle: q.Vehicle, Notes: q.Notes,
		VAT: q.VAT, Lines: q.Lines, HT: q.Totals.HT, TotalVAT: q.Totals.VAT, TTC: q.Totals.TTC,
		ValidUntil: q.ValidUntil.Format("2006-01-02")}
	if c.Lines == nil {
		c.Lines = []QuoteLine{}
	}
	b, _ := json.Marshal(c) // fixed types: cannot fail
	return b
}

// ContentSHA256 is the hex SHA-256 of Canonical().
func (q *Quote) ContentSHA256() string {
	sum := sha256.Sum256(q.Canonical())
	return hex.EncodeToString(sum[:])
}

// VATLabel shows a rate in basis points: 2000 -> "20 %".
func VATLabel(bp int64) string {
	s := FormatQuantity(bp)
	return s + "\u00a0%"
}

// Errors of the quote rules, matched with errors.Is.
var (
	ErrQuoteNotEditable = errors.New("quote not editable")
	ErrQuoteAnswered    = errors.New("quote already answered")
	ErrQuoteExpired     = errors.New("quote expired")
)

// QuoteAnswer is a customer's answer through the quote's link.
type QuoteAnswer struct {
	Accept bool
	Name   string // typed by the customer, "bon pour accord"
	Reason string // why the quote is refused (optional)
	IP     string
	Agent  string
}
