package garage

import (
	"strings"
	"time"
)

// The price board (arrêté du 27 mars 1987): the hourly labour rates TTC per
// category, the fixed-price services (forfaits) with what they include, and
// the quote policy. Every change is a new dated version: the board in force
// on a date is, for each item, its latest version valid from that date or
// before, so the price shown on any day can be found again.

// PriceKind is what a price board item is.
type PriceKind string

// The price board's kinds of items.
const (
	PriceRate    PriceKind = "taux"    // an hourly labour rate TTC
	PriceForfait PriceKind = "forfait" // a fixed-price service TTC
)

// Valid reports whether k is a known kind.
func (k PriceKind) Valid() bool { return k == PriceRate || k == PriceForfait }

// Label is the kind's French name.
func (k PriceKind) Label() string {
	if k == PriceRate {
		return "Taux horaire"
	}
	return "Forfait"
}

// PriceItem is one version of an item of the board: a labour rate or a
// forfait, identified across versions by its kind and code.
type PriceItem struct {
	ID        int64
	Kind      PriceKind
	Code      string // "T1", "carrosserie", "vidange"… stable across versions
	Label     string // "Mécanique T1"
	Contents  string // what a forfait includes (empty for a rate)
	CentsTTC  int64  // the price TTC in cents (per hour for a rate)
	Position  int
	Active    bool // false: the item is withdrawn from this version on
	ValidFrom time.Time
}

// QuotePolicy says whether a quote is free and how long it is valid.
type QuotePolicy struct {
	Free           bool
	FeeCents       int64 // the quote's price TTC when it is not free
	ValidityDays   int
	VATBasisPoints int64 // the VAT rate of the quotes, in basis points (2000 = 20 %)
	ValidFrom      time.Time
}

// DefaultQuotePolicy is the policy until the owner sets one: free quotes,
// valid 30 days, VAT at 20 %.
func DefaultQuotePolicy() QuotePolicy {
	return QuotePolicy{Free: true, ValidityDays: 30, VATBasisPoints: DefaultVATBasisPoints}
}

// PriceBoard is the board in force on a date.
type PriceBoard struct {
	Rates    []*PriceItem
	Forfaits []*PriceItem
	Policy   QuotePolicy
	On       time.Time
}

// Rate returns the labour rate of code in force on the board, nil if none.
func (b *PriceBoard) Rate(code string) *PriceItem {
	for _, r := range b.Rates {
		if r.Code == code {
			return r
		}
	}
	return nil
}

// Forfait returns the forfait of code in force on the board, nil if none.
func (b *PriceBoard) Forfait(code string) *PriceItem {
	for _, f := range b.Forfaits {
		if f.Code == code {
			return f
		}
	}
	return nil
}

// Limits of the price board's forms.
const (
	PriceMaxCode      = 40
	PriceMaxLabel     = 80
	PriceMaxContents  = 600
	PriceMaxCents     = 10_000_000 // 100 000 € TTC for one item
	PolicyMaxDays     = 365
	PolicyMaxFee      = 100_000 // 1 000 € for a paid quote
	MaxVATBasisPoints = 10000
)

// PriceCode normalises a code: trimmed, lower-case, spaces as dashes.
func PriceCode(s string) string {
	return strings.ReplaceAll(strings.ToLower(SquashSpaces(s)), " ", "-")
}

// ValidPriceCode reports whether code (normalised) has only letters,
// digits and dashes.
func ValidPriceCode(code string) bool {
	if code == "" || len(code) > PriceMaxCode {
		return false
	}
	for _, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// PriceLegalMentions are the mentions of the arrêté du 27 mars 1987 the
// public board shows.
func PriceLegalMentions() []string {
	return []string{
		"Les prix sont indiqués toutes taxes comprises (TTC), TVA au taux en vigueur incluse.",
		"Le prix d'une intervention se compose du temps passé (taux horaire de la catégorie de travaux × temps), des pièces et fournitures au prix affiché ou indiqué, et, le cas échéant, des forfaits ci-dessous.",
		"Un devis détaillé est remis avant toute intervention sur simple demande du client ; il est obligatoire pour les travaux dont le montant dépasse le seuil demandé par le client.",
		"Le devis signé avec la mention « bon pour accord » vaut contrat ; aucun travail supplémentaire n'est effectué sans l'accord du client.",
		"Affichage conforme à l'arrêté du 27 mars 1987 relatif à l'affichage des prix des prestations de dépannage, de réparation et d'entretien automobile.",
	}
}
