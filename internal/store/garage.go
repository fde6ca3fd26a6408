package store

import (
	"context"
	"strings"
	"time"
)

// Garage holds the garage's public details (one row).
type Garage struct {
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

// Address is the one-line postal address.
func (g *Garage) Address() string {
	return strings.TrimSpace(g.Street + ", " + strings.TrimSpace(g.PostalCode+" "+g.City))
}

// PhoneURI is the phone number as a tel: link ("tel:+33561000000").
func (g *Garage) PhoneURI() string {
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

// GarageDetails returns the garage's details. A database that was never
// set up returns ErrNotFound.
func (s *Store) GarageDetails(ctx context.Context) (*Garage, error) {
	var g Garage
	err := s.db.QueryRowContext(ctx,
		`SELECT name, street, postal_code, city, phone, email, legal_name, siret, host, updated_at FROM garage WHERE id = 1`,
	).Scan(&g.Name, &g.Street, &g.PostalCode, &g.City, &g.Phone, &g.Email, &g.LegalName, &g.SIRET, &g.Host, &g.UpdatedAt)
	if err != nil {
		return nil, translate(err)
	}
	return &g, nil
}

// SaveGarageDetails creates or replaces the garage's details.
func (s *Store) SaveGarageDetails(ctx context.Context, g *Garage, now time.Time) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO garage (id, name, street, postal_code, city, phone, email, legal_name, siret, host, updated_at)
		 VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		 ON CONFLICT (id) DO UPDATE SET name = $1, street = $2, postal_code = $3, city = $4, phone = $5,
		   email = $6, legal_name = $7, siret = $8, host = $9, updated_at = $10`,
		g.Name, g.Street, g.PostalCode, g.City, g.Phone, g.Email, g.LegalName, g.SIRET, g.Host, now.UTC())
	if err == nil {
		g.UpdatedAt = now.UTC()
	}
	return translate(err)
}
