package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

const detailsQuery = `SELECT name, street, postal_code, city, phone, email, legal_name, siret, host,
  legal_form, share_capital, rcs_city, rcs_number, vat_number, publication_director, host_address, host_phone, updated_at FROM garage WHERE id = 1`

func scanDetails(row scanner) (*garage.Details, error) {
	var g garage.Details
	return &g, row.Scan(&g.Name, &g.Street, &g.PostalCode, &g.City, &g.Phone, &g.Email, &g.LegalName, &g.SIRET, &g.Host,
		&g.LegalForm, &g.ShareCapital, &g.RCSCity, &g.RCSNumber, &g.VATNumber, &g.Director, &g.HostAddress, &g.HostPhone, &g.UpdatedAt)
}

// GarageDetails returns the garage's details. A database that was never
// set up returns ErrNotFound.
func (s *Store) GarageDetails(ctx context.Context) (g *garage.Details, err error) {
	defer wrap(&err, "read garage details")
	return scanDetails(s.db.QueryRowContext(ctx, detailsQuery))
}

// SaveGarageDetails creates or replaces the garage's details.
func (s *Store) SaveGarageDetails(ctx context.Context, g *garage.Details, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "save garage details")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanDetails(tx.QueryRowContext(ctx, detailsQuery+s.forUpdate()))
		if errors.Is(err, sql.ErrNoRows) {
			before, err = &garage.Details{}, nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO garage (id, name, street, postal_code, city, phone, email, legal_name, siret, host, updated_at,
			   legal_form, share_capital, rcs_city, rcs_number, vat_number, publication_director, host_address, host_phone)
			 VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			 ON CONFLICT (id) DO UPDATE SET name = $1, street = $2, postal_code = $3, city = $4, phone = $5,
			   email = $6, legal_name = $7, siret = $8, host = $9, updated_at = $10,
			   legal_form = $11, share_capital = $12, rcs_city = $13, rcs_number = $14, vat_number = $15,
			   publication_director = $16, host_address = $17, host_phone = $18`,
			g.Name, g.Street, g.PostalCode, g.City, g.Phone, g.Email, g.LegalName, g.SIRET, g.Host, now.UTC(),
			g.LegalForm, g.ShareCapital, g.RCSCity, g.RCSNumber, g.VATNumber, g.Director, g.HostAddress, g.HostPhone); err != nil {
			return err
		}
		g.UpdatedAt = now.UTC()
		return audit(ctx, tx, by, now, "garage.update", "garage",
			map[string]string{"before": garage.DetailsText(before), "after": garage.DetailsText(g)})
	})
}
