package garage

import (
	"strings"
	"time"
)

// DefaultName is the garage's name wherever its details are not set yet.
const DefaultName = "Garage V. Parrot"

// Details are the garage's public details (one row, set by the
// administrator).
type Details struct {
	Name       string
	Street     string
	PostalCode string
	City       string
	Phone      string
	Email      string
	LegalName  string
	SIRET      string
	Host       string
	// The legal notice of a company (LegalForms), asked in the back office.
	LegalForm    string // "SARL", "SAS"… (LegalForms)
	ShareCapital int    // euros; 0 for a sole trader (EI)
	RCSCity      string // the registry's city: "RCS Toulouse …"
	RCSNumber    string // the SIREN, 9 digits
	VATNumber    string // "FR" + key + SIREN; "" for a sole trader not liable to VAT
	Director     string // the publication director: name and position
	HostAddress  string
	HostPhone    string
	UpdatedAt    time.Time
}

// LegalForms are the legal forms the back office offers.
func LegalForms() []Option {
	return []Option{{"SARL", "SARL"}, {"EURL", "EURL"}, {"SAS", "SAS"}, {"SASU", "SASU"}, {"SA", "SA"},
		{"EI", "Entreprise individuelle (EI)"}}
}

// ValidLegalForm reports whether f is one of LegalForms.
func ValidLegalForm(f string) bool {
	for _, o := range LegalForms() {
		if o.Code == f {
			return true
		}
	}
	return false
}

// HasCapital reports whether the legal form has a share capital to show
// (every company; not a sole trader).
func (g *Details) HasCapital() bool { return g.LegalForm != "" && g.LegalForm != "EI" }

// Limits of the garage details' fields, in characters.
const (
	DetailsMaxName      = 100
	DetailsMaxStreet    = 200
	DetailsMaxCity      = 100
	DetailsMaxLegalName = 200
	DetailsMaxHost      = 300
	DetailsMaxDirector  = 200
	DetailsMaxCapital   = 100_000_000 // euros
)

// DisplayName is the name to show: the garage's, or DefaultName.
func (g *Details) DisplayName() string {
	if g != nil && g.Name != "" {
		return g.Name
	}
	return DefaultName
}

// Address is the one-line postal address.
func (g *Details) Address() string {
	return strings.TrimSpace(g.Street + ", " + strings.TrimSpace(g.PostalCode+" "+g.City))
}

// PhoneURI is the phone number as a tel: link ("tel:+33561000000").
func (g *Details) PhoneURI() string {
	var b strings.Builder
	for i, r := range g.Phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "0") && len(n) == 10 {
		n = "+33" + n[1:]
	}
	return "tel:" + n
}
