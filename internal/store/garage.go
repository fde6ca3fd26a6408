package store

import (
	"context"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// GarageDetails returns the garage's details. A database that was never
// set up returns ErrNotFound.
func (s *Store) GarageDetails(ctx context.Context) (*garage.Details, error) {
	var g garage.Details
	err := s.db.QueryRowContext(ctx,
		`SELECT name, street, postal_code, city, phone, email, legal_name, siret, host, updated_at FROM garage WHERE id = 1`,
	).Scan(&g.Name, &g.Street, &g.PostalCode, &g.City, &g.Phone, &g.Email, &g.LegalName, &g.SIRET, &g.Host, &g.UpdatedAt)
	if err != nil {
		return nil, translate(err)
	}
	return &g, nil
}

// SaveGarageDetails creates or replaces the garage's details.
func (s *Store) SaveGarageDetails(ctx context.Context, g *garage.Details, now time.Time) error {
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
