package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/slug"
)

// CarStatus is where a car stands in its life on the site.
type CarStatus string

// The car statuses: a draft is invisible; a published car is listed; a sold
// car keeps its page (and a "Vendu" badge in the list for a while); an
// archived car is gone from the site.
const (
	CarDraft     CarStatus = "draft"
	CarPublished CarStatus = "published"
	CarSold      CarStatus = "sold"
	CarArchived  CarStatus = "archived"
)

// CarStatuses lists every status in life order.
func CarStatuses() []CarStatus { return []CarStatus{CarDraft, CarPublished, CarSold, CarArchived} }

// Valid reports whether s is a known status.
func (s CarStatus) Valid() bool {
	switch s {
	case CarDraft, CarPublished, CarSold, CarArchived:
		return true
	}
	return false
}

// Label is the status's French name.
func (s CarStatus) Label() string {
	switch s {
	case CarDraft:
		return "Brouillon"
	case CarPublished:
		return "En vente"
	case CarSold:
		return "Vendu"
	case CarArchived:
		return "Archivé"
	}
	return string(s)
}

// Car is a used car for sale. Whole numbers a draft may leave empty are 0
// when unknown.
type Car struct {
	ID                int64
	Slug              string
	Title             string
	Make              string
	Model             string
	Version           string
	Price             int // whole euros TTC
	RegMonth          int // month of first registration, 1–12
	RegYear           int // year of first registration
	Mileage           int // km
	MileageUnverified bool
	Fuel              string // a Fuels() code
	Gearbox           string // a Gearboxes() code
	PowerHP           int    // ch DIN
	FiscalHP          int    // CV fiscaux
	Doors             int
	Seats             int
	Colour            string
	BodyType          string // a BodyTypes() code
	CritAir           string // a CritAirClasses() code
	CTDate            string // YYYY-MM-DD of the last contrôle technique, "" when none
	Description       string
	Status            CarStatus
	CreatedBy         *int64
	PublishedAt       time.Time // zero when never published
	SoldAt            time.Time // zero unless sold
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// Filled by ListCars and CarByID.
	MainPhoto string // photo store key of the main photo, "" when none
}

// DefaultTitle is the title derived from make, model and version.
func (c *Car) DefaultTitle() string {
	return strings.Join(strings.Fields(c.Make+" "+c.Model+" "+c.Version), " ")
}

// slugSource is what the slug is made from: the title, else make, model
// and version (never the "Véhicule n° …" placeholder).
func (c *Car) slugSource() string {
	if t := strings.TrimSpace(c.Title); t != "" {
		return t
	}
	return c.DefaultTitle()
}

// DisplayTitle is the title, or the derived one when it is empty.
func (c *Car) DisplayTitle() string {
	if t := strings.TrimSpace(c.Title); t != "" {
		return t
	}
	if t := c.DefaultTitle(); t != "" {
		return t
	}
	return fmt.Sprintf("Véhicule n° %d", c.ID)
}

// Path is the canonical public path of the car: /occasions/123-slug.
func (c *Car) Path() string {
	if c.Slug == "" {
		return fmt.Sprintf("/occasions/%d", c.ID)
	}
	return fmt.Sprintf("/occasions/%d-%s", c.ID, c.Slug)
}

// Option is a code and its French label, for the fixed vocabularies.
type Option struct{ Code, Label string }

var (
	fuels = []Option{{"essence", "Essence"}, {"diesel", "Diesel"}, {"hybride", "Hybride"},
		{"hybride-rechargeable", "Hybride rechargeable"}, {"electrique", "Électrique"}, {"gpl", "GPL"}, {"e85", "Superéthanol E85"}}
	gearboxes = []Option{{"manuelle", "Manuelle"}, {"automatique", "Automatique"}}
	bodyTypes = []Option{{"citadine", "Citadine"}, {"berline", "Berline"}, {"break", "Break"}, {"suv", "SUV / 4x4"},
		{"monospace", "Monospace"}, {"coupe", "Coupé"}, {"cabriolet", "Cabriolet"}, {"utilitaire", "Utilitaire"}}
	critAir = []Option{{"0", "Crit'Air 0 (électrique)"}, {"1", "Crit'Air 1"}, {"2", "Crit'Air 2"}, {"3", "Crit'Air 3"},
		{"4", "Crit'Air 4"}, {"5", "Crit'Air 5"}, {"nc", "Non classé"}}
)

// Fuels, Gearboxes, BodyTypes and CritAirClasses are the fixed vocabularies
// of the car fields of the same names.
func Fuels() []Option          { return fuels }
func Gearboxes() []Option      { return gearboxes }
func BodyTypes() []Option      { return bodyTypes }
func CritAirClasses() []Option { return critAir }

// OptionLabel returns the label of code in opts, or code itself.
func OptionLabel(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// HasOption reports whether code belongs to opts.
func HasOption(opts []Option, code string) bool {
	for _, o := range opts {
		if o.Code == code {
			return true
		}
	}
	return false
}

const carColumns = `c.id, c.slug, c.title, c.make, c.model, c.version, c.price, c.reg_month, c.reg_year, c.mileage,
	c.mileage_unverified, c.fuel, c.gearbox, c.power_hp, c.fiscal_hp, c.doors, c.seats, c.colour, c.body_type,
	c.crit_air, c.ct_date, c.description, c.status, c.created_by, c.published_at, c.sold_at, c.created_at, c.updated_at,
	COALESCE((SELECT p.key FROM car_photos p WHERE p.car_id = c.id ORDER BY p.position, p.id LIMIT 1), '')`

func scanCar(sc interface{ Scan(...any) error }) (*Car, error) {
	var c Car
	var createdBy sql.NullInt64
	var published, sold int64
	err := sc.Scan(&c.ID, &c.Slug, &c.Title, &c.Make, &c.Model, &c.Version, &c.Price, &c.RegMonth, &c.RegYear, &c.Mileage,
		&c.MileageUnverified, &c.Fuel, &c.Gearbox, &c.PowerHP, &c.FiscalHP, &c.Doors, &c.Seats, &c.Colour, &c.BodyType,
		&c.CritAir, &c.CTDate, &c.Description, &c.Status, &createdBy, &published, &sold, &c.CreatedAt, &c.UpdatedAt, &c.MainPhoto)
	if err != nil {
		return nil, err
	}
	if createdBy.Valid {
		id := createdBy.Int64
		c.CreatedBy = &id
	}
	c.PublishedAt, c.SoldAt = unixOrZero(published), unixOrZero(sold)
	return &c, nil
}

func unixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// CarByID returns one car, whatever its status.
func (s *Store) CarByID(ctx context.Context, id int64) (*Car, error) {
	c, err := scanCar(s.db.QueryRowContext(ctx, `SELECT `+carColumns+` FROM cars c WHERE c.id = $1`, id))
	return c, translate(err)
}

// CreateCar inserts a car (a draft unless c.Status says otherwise) and sets
// its ID, slug and timestamps.
func (s *Store) CreateCar(ctx context.Context, c *Car, now time.Time) error {
	now = now.UTC()
	if c.Status == "" {
		c.Status = CarDraft
	}
	c.Slug = slug.Make(c.slugSource())
	var createdBy sql.NullInt64
	if c.CreatedBy != nil {
		createdBy = sql.NullInt64{Int64: *c.CreatedBy, Valid: true}
	}
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, mileage_unverified,
		   fuel, gearbox, power_hp, fiscal_hp, doors, seats, colour, body_type, crit_air, ct_date, description, status,
		   created_by, published_at, sold_at, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		   $23, $24, $25, $26, $26) RETURNING id`,
		c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
		c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate, c.Description,
		string(c.Status), createdBy, unixOf(c.PublishedAt), unixOf(c.SoldAt), now).Scan(&c.ID)
	if err != nil {
		return translate(err)
	}
	c.CreatedAt, c.UpdatedAt = now, now
	return nil
}

// UpdateCar saves the editable fields of c (not its status) and refreshes
// its slug from the title; old links still work since they carry the ID.
func (s *Store) UpdateCar(ctx context.Context, c *Car, now time.Time) error {
	now = now.UTC()
	c.Slug = slug.Make(c.slugSource())
	res, err := s.db.ExecContext(ctx,
		`UPDATE cars SET slug = $1, title = $2, make = $3, model = $4, version = $5, price = $6, reg_month = $7,
		   reg_year = $8, mileage = $9, mileage_unverified = $10, fuel = $11, gearbox = $12, power_hp = $13,
		   fiscal_hp = $14, doors = $15, seats = $16, colour = $17, body_type = $18, crit_air = $19, ct_date = $20,
		   description = $21, updated_at = $22
		 WHERE id = $23`,
		c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
		c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate,
		c.Description, now, c.ID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	c.UpdatedAt = now
	return nil
}

// ErrBadTransition is returned for a status change the life cycle does not allow.
var ErrBadTransition = errors.New("store: status change not allowed")

// transitions lists the allowed status changes: forward along
// draft → published → sold → archived, and back one step or to draft.
var transitions = map[CarStatus][]CarStatus{
	CarDraft:     {CarPublished, CarArchived},
	CarPublished: {CarDraft, CarSold, CarArchived},
	CarSold:      {CarPublished, CarArchived, CarDraft},
	CarArchived:  {CarDraft, CarPublished, CarSold},
}

// CanTransition reports whether a car may go from one status to another.
func CanTransition(from, to CarStatus) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// SetCarStatus moves a car to status to, if the life cycle allows it from
// status from (checked in the same statement, so two staff members acting at
// once cannot skip a step). Publishing stamps published_at the first time;
// selling stamps sold_at.
func (s *Store) SetCarStatus(ctx context.Context, id int64, from, to CarStatus, now time.Time) error {
	if !CanTransition(from, to) {
		return ErrBadTransition
	}
	u := now.UTC().Unix()
	res, err := s.db.ExecContext(ctx,
		`UPDATE cars SET status = $1, updated_at = $2,
		   published_at = CASE WHEN $1 = 'published' AND published_at = 0 THEN $3 ELSE published_at END,
		   sold_at = CASE WHEN $1 = 'sold' THEN $3 WHEN $1 = 'published' OR $1 = 'draft' THEN 0 ELSE sold_at END
		 WHERE id = $4 AND status = $5`,
		string(to), now.UTC(), u, id, string(from))
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			if _, e := s.CarByID(ctx, id); e == nil {
				return ErrConflict // it exists, but its status changed meanwhile
			}
		}
		return err
	}
	return nil
}

// DeleteCar removes a car with its photo rows and equipment links, and
// returns the photo keys whose files the caller must delete.
func (s *Store) DeleteCar(ctx context.Context, id int64) (photoKeys []string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if photoKeys, err = column[string](ctx, tx, `SELECT key FROM car_photos WHERE car_id = $1`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM cars WHERE id = $1`, id)
		return affectedOne(res, err)
	})
	return photoKeys, err
}

// CountCarsByStatus counts the cars of each status.
func (s *Store) CountCarsByStatus(ctx context.Context) (map[CarStatus]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM cars GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[CarStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[CarStatus(st)] = n
	}
	return out, rows.Err()
}
