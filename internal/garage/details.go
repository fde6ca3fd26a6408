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
	UpdatedAt  time.Time
}

// Limits of the garage details' fields, in characters.
const (
	DetailsMaxName      = 100
	DetailsMaxStreet    = 200
	DetailsMaxCity      = 100
	DetailsMaxLegalName = 200
	DetailsMaxHost      = 300
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
