package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// The price board (garage/prices.go): every change is a new dated row, so
// the board in force on a date can be read again.

const priceColumns = `p.id, p.kind, p.code, p.label, p.contents, p.cents_ttc, p.position, p.active, p.valid_from`

func scanPriceItem(row scanner) (*garage.PriceItem, error) {
	var p garage.PriceItem
	var kind string
	var from int64
	if err := row.Scan(&p.ID, &kind, &p.Code, &p.Label, &p.Contents, &p.CentsTTC, &p.Position, &p.Active, &from); err != nil {
		return nil, err
	}
	p.Kind, p.ValidFrom = garage.PriceKind(kind), time.Unix(from, 0).UTC()
	return &p, nil
}

// PriceBoardOn returns the board in force at t: for each item its latest
// version valid from t or before, the withdrawn ones left out, and the
// quote policy in force.
func (s *Store) PriceBoardOn(ctx context.Context, t time.Time) (b *garage.PriceBoard, err error) {
	defer wrap(&err, "read price board")
	return priceBoardOn(ctx, s.db, t)
}

func priceBoardOn(ctx context.Context, q querier, t time.Time) (*garage.PriceBoard, error) {
	items, err := queryAll(ctx, q, scanPriceItem,
		`SELECT `+priceColumns+` FROM price_items p
		  WHERE p.valid_from <= $1 AND p.active = TRUE
		    AND p.id = (SELECT v.id FROM price_items v WHERE v.kind = p.kind AND v.code = p.code AND v.valid_from <= $1
		                 ORDER BY v.valid_from DESC, v.id DESC LIMIT 1)
		  ORDER BY p.kind, p.position, p.label, p.id`, t.Unix())
	if err != nil {
		return nil, err
	}
	b := &garage.PriceBoard{On: t}
	for _, it := range items {
		if it.Kind == garage.PriceRate {
			b.Rates = append(b.Rates, it)
		} else {
			b.Forfaits = append(b.Forfaits, it)
		}
	}
	b.Policy, err = quotePolicyOn(ctx, q, t)
	return b, err
}

func quotePolicyOn(ctx context.Context, q querier, t time.Time) (garage.QuotePolicy, error) {
	p := garage.QuotePolicy{}
	var from int64
	err := q.QueryRowContext(ctx,
		`SELECT free, fee_cents, validity_days, vat_bp, valid_from FROM quote_policies WHERE valid_from <= $1
		  ORDER BY valid_from DESC, id DESC LIMIT 1`, t.Unix()).Scan(&p.Free, &p.FeeCents, &p.ValidityDays, &p.VATBasisPoints, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return garage.DefaultQuotePolicy(), nil
	}
	p.ValidFrom = time.Unix(from, 0).UTC()
	return p, err
}

// PriceHistory returns every version of every item, newest first (the
// back office's record of changes).
func (s *Store) PriceHistory(ctx context.Context, limit int) (list []*garage.PriceItem, err error) {
	defer wrap(&err, "read price history")
	return queryAll(ctx, s.db, scanPriceItem,
		`SELECT `+priceColumns+` FROM price_items p ORDER BY p.valid_from DESC, p.id DESC LIMIT $1`, limit)
}

// SetPriceItem records a new version of an item (a new item, a changed
// price or wording, or, with Active false, its withdrawal), valid from now.
func (s *Store) SetPriceItem(ctx context.Context, p *garage.PriceItem, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set price item %s %s", p.Kind, p.Code)
	p.ValidFrom = now.UTC().Truncate(time.Second)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO price_items (kind, code, label, contents, cents_ttc, position, active, valid_from)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			string(p.Kind), p.Code, p.Label, p.Contents, p.CentsTTC, p.Position, p.Active, p.ValidFrom.Unix()).Scan(&p.ID); err != nil {
			return err
		}
		action := "price.set"
		if !p.Active {
			action = "price.withdraw"
		}
		return audit(ctx, tx, by, now, action, garage.Target("price", p.ID), map[string]string{
			"kind": string(p.Kind), "code": p.Code, "label": p.Label, "cents_ttc": strconv.FormatInt(p.CentsTTC, 10),
		})
	})
}

// SetQuotePolicy records a new quote policy valid from now.
func (s *Store) SetQuotePolicy(ctx context.Context, p garage.QuotePolicy, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set quote policy")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO quote_policies (free, fee_cents, validity_days, vat_bp, valid_from) VALUES ($1, $2, $3, $4, $5)`,
			p.Free, p.FeeCents, p.ValidityDays, p.VATBasisPoints, now.Unix()); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "price.policy", "", map[string]string{
			"free": strconv.FormatBool(p.Free), "fee_cents": strconv.FormatInt(p.FeeCents, 10),
			"validity_days": strconv.Itoa(p.ValidityDays), "vat_bp": strconv.FormatInt(p.VATBasisPoints, 10),
		})
	})
}
