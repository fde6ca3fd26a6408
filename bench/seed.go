package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/slug"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const (
	adminEmail    = "bench.admin@garage-parrot.test"
	adminPassword = "banc-d-essai-2026-garage"
)

// seeded is what the load phase needs to know about the seeded data.
type seeded struct {
	carPath   string // a published car with real photos
	photoPath string // one real photo file (card size)
}

type model struct {
	make, model string
	body        string
	basePrice   int // euros, for a 1-year-old car
	hp          int
}

var models = []model{
	{"Peugeot", "208", "citadine", 19000, 100}, {"Peugeot", "2008", "suv", 25000, 130}, {"Peugeot", "308", "berline", 24000, 130},
	{"Peugeot", "3008", "suv", 31000, 130}, {"Peugeot", "5008", "suv", 34000, 130}, {"Renault", "Clio", "citadine", 17000, 90},
	{"Renault", "Captur", "suv", 23000, 140}, {"Renault", "Mégane", "berline", 22000, 115}, {"Renault", "Kangoo", "utilitaire", 21000, 95},
	{"Renault", "Zoe", "citadine", 18000, 108}, {"Citroën", "C3", "citadine", 16000, 83}, {"Citroën", "C4", "berline", 22000, 130},
	{"Citroën", "C5 Aircross", "suv", 28000, 130}, {"Citroën", "Berlingo", "monospace", 22000, 100}, {"Dacia", "Sandero", "citadine", 12000, 90},
	{"Dacia", "Duster", "suv", 17000, 115}, {"Dacia", "Jogger", "monospace", 18000, 110}, {"Volkswagen", "Polo", "citadine", 19000, 95},
	{"Volkswagen", "Golf", "berline", 27000, 150}, {"Volkswagen", "T-Roc", "suv", 28000, 150}, {"Toyota", "Yaris", "citadine", 20000, 116},
	{"Toyota", "C-HR", "suv", 27000, 122}, {"Toyota", "RAV4", "suv", 36000, 218}, {"Ford", "Fiesta", "citadine", 15000, 100},
	{"Ford", "Kuga", "suv", 29000, 150}, {"Opel", "Corsa", "citadine", 16000, 100}, {"Fiat", "500", "citadine", 14000, 70},
	{"Skoda", "Octavia", "break", 27000, 150}, {"BMW", "Série 1", "berline", 30000, 140}, {"Audi", "A3", "berline", 31000, 150},
	{"Mercedes-Benz", "Classe A", "berline", 32000, 116}, {"Tesla", "Model 3", "berline", 38000, 325},
}

var (
	fuels      = []string{"essence", "essence", "diesel", "diesel", "hybride", "electrique", "hybride-rechargeable"}
	colours    = []string{"Blanc", "Noir", "Gris", "Gris Platinium", "Bleu", "Rouge", "Beige", "Vert"}
	equipments = []string{"Climatisation automatique", "GPS", "Caméra de recul", "Radar de recul", "Apple CarPlay / Android Auto",
		"Régulateur de vitesse", "Jantes alliage", "Sièges chauffants", "Phares LED", "Bluetooth", "Attelage", "Toit panoramique"}
	firstNames = []string{"Marie", "Jean", "Sophie", "Pierre", "Camille", "Lucas", "Julie", "Thomas", "Léa", "Nicolas", "Chloé", "Hugo"}
	comments   = []string{
		"Accueil chaleureux, travail soigné et délais respectés. Je recommande.",
		"Révision faite dans la journée, prix conforme au devis. Merci à l'équipe.",
		"Achat d'une occasion en toute confiance : véhicule propre et bien préparé.",
		"Diagnostic rapide et honnête, ils n'ont changé que ce qui était nécessaire.",
		"Très bon garage, à l'écoute et de bon conseil pour l'entretien de ma voiture.",
	}
)

// seed fills a fresh, migrated database: garage details, hours and
// exceptions, an admin, 200 approved reviews and nCars cars (nCars published,
// plus a few sold and drafts) each with photo rows and equipment; the first
// few cars get real photo files in dataDir/photos.
func seed(ctx context.Context, s *store.Store, dataDir string, nCars int, logf func(string, ...any)) (*seeded, error) {
	now := time.Now()
	if _, err := s.InitRoles(ctx); err != nil {
		return nil, err
	}
	g := &garage.Details{Name: garage.DefaultName, Street: "12 avenue des Mécaniciens", PostalCode: "31200", City: "Toulouse",
		Phone: "05 61 00 00 00", Email: "contact@garage-parrot.test", LegalName: garage.DefaultName + " SARL",
		SIRET: "84127759300015", Host: "Banc d'essai"}
	if err := s.SaveGarageDetails(ctx, g, now, garage.Actor{}); err != nil {
		return nil, fmt.Errorf("garage details: %w", err)
	}
	if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), now, garage.Actor{}); err != nil {
		return nil, fmt.Errorf("hours: %w", err)
	}
	today := hours.DateOf(now)
	for i, e := range []hours.Exception{
		{First: today.AddDays(10), Last: today.AddDays(10), Label: "Jour férié"},
		{First: today.AddDays(30), Last: today.AddDays(44), Label: "Congés d'été"},
		{First: today.AddDays(60), Last: today.AddDays(60), Label: "Inventaire", Ranges: []hours.Range{{Open: 9 * 60, Close: 12 * 60}}},
	} {
		if err := s.CreateException(ctx, &e, now, garage.Actor{}); err != nil {
			return nil, fmt.Errorf("exception %d: %w", i, err)
		}
	}
	hash, err := password.NewHasher(password.DefaultParams(), 1).Hash(ctx, adminPassword)
	if err != nil {
		return nil, err
	}
	if err := s.CreateUser(ctx, &garage.User{Email: adminEmail, PasswordHash: hash, FirstName: "Vincent", LastName: "Parrot",
		Role: garage.RoleAdmin, Active: true}, now, garage.Actor{}); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	rng := rand.New(rand.NewPCG(2026, 9))
	for i := range 200 {
		t := &garage.Testimonial{Name: firstNames[i%len(firstNames)] + " " + string(rune('A'+i%26)) + ".",
			Comment: comments[i%len(comments)], Rating: 3 + rng.IntN(3), Status: garage.TestimonialApproved, Source: "visitor",
			Email: fmt.Sprintf("client%d@example.test", i)}
		if err := s.CreateTestimonial(ctx, t, now.Add(-time.Duration(i)*37*time.Hour), garage.Actor{}); err != nil {
			return nil, fmt.Errorf("testimonial: %w", err)
		}
	}
	// A few cars through the store API, with real photo files.
	photos, err := photostore.NewDisk(filepath.Join(dataDir, "photos"))
	if err != nil {
		return nil, err
	}
	defer photos.Close()
	proc := photo.NewProcessor(photo.DefaultLimits(), 1)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(1280, 960), &jpeg.Options{Quality: 88}); err != nil {
		return nil, err
	}
	res, err := proc.Process(ctx, &b)
	if err != nil {
		return nil, err
	}
	out := &seeded{}
	const withFiles = 12
	for i := range withFiles {
		m := models[i%len(models)]
		c := randomCar(rng, m, now)
		c.Status = garage.CarPublished
		c.PublishedAt = now.Add(-time.Duration(i) * time.Minute)
		eq := &garage.CarEquipment{NewNames: pick(rng, equipments, 3+rng.IntN(5))}
		if err := s.CreateCar(ctx, c, eq, now, garage.Actor{}); err != nil {
			return nil, fmt.Errorf("car: %w", err)
		}
		var rows []*garage.CarPhoto
		for range 3 {
			key := photostore.NewKey("cars")
			for _, v := range res.Variants {
				if err := photos.Put(ctx, photostore.VariantKey(key, v.Size), v.Data, v.ContentType); err != nil {
					return nil, err
				}
			}
			rows = append(rows, &garage.CarPhoto{Key: key, Width: res.Width, Height: res.Height})
		}
		if err := s.AddCarPhotos(ctx, c.ID, rows, now, garage.Actor{}); err != nil {
			return nil, err
		}
		if i == 0 {
			out.carPath = views.CarPath(c)
			out.photoPath = photostore.URL(photostore.VariantKey(rows[0].Key, "card"))
		}
	}
	// The rest in one transaction of plain INSERTs (the store API would
	// take one transaction per car).
	eqIDs := make([]int64, len(equipments))
	for i, name := range equipments {
		if eqIDs[i], err = s.EnsureEquipment(ctx, name); err != nil {
			return nil, err
		}
	}
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	total := nCars + nCars/20 // plus 5 % sold or draft
	for i := withFiles; i < total; i++ {
		c := randomCar(rng, models[rng.IntN(len(models))], now)
		st := "published"
		if i >= nCars {
			st = []string{"sold", "draft"}[i%2]
		}
		var sold int64
		if st == "sold" {
			sold = now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour).Unix()
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, fuel, gearbox, power_hp,
			   fiscal_hp, doors, seats, colour, body_type, crit_air, description, status, published_at, sold_at, created_at, updated_at)
			 VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
			 RETURNING id`,
			fmt.Sprintf("%s-%d", slug.Make(c.Make+" "+c.Model), i), c.Make, c.Model, c.Version, c.Price, c.RegMonth,
			c.RegYear, c.Mileage, c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir,
			c.Description, st, now.Add(-time.Duration(i)*time.Minute).Unix(), sold, now).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("bulk car: %w", err)
		}
		for p := range 1 + rng.IntN(4) {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO car_photos (car_id, key, position, width, height, created_at) VALUES ($1, $2, $3, 1280, 960, $4)`,
				id, fmt.Sprintf("cars/bench%d-%d", id, p), p, now); err != nil {
				return nil, fmt.Errorf("bulk photo: %w", err)
			}
		}
		n := 2 + rng.IntN(6)
		for _, k := range rng.Perm(len(eqIDs))[:n] {
			if _, err := tx.ExecContext(ctx, `INSERT INTO car_equipment (car_id, equipment_id) VALUES ($1, $2)`, id, eqIDs[k]); err != nil {
				return nil, fmt.Errorf("bulk equipment: %w", err)
			}
		}
		if i%2000 == 0 {
			logf("  seeded %d cars", i)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	return out, nil
}

func randomCar(rng *rand.Rand, m model, now time.Time) *garage.Car {
	age := rng.IntN(12)
	year := now.Year() - age
	km := age*12000 + rng.IntN(15000)
	price := m.basePrice * (100 - 7*age) / 100
	if price < 3000 {
		price = 3000 + rng.IntN(20)*100
	}
	price = price/100*100 - 10
	fuel := fuels[rng.IntN(len(fuels))]
	gear := "manuelle"
	if fuel == "electrique" || fuel == "hybride" || rng.IntN(3) == 0 {
		gear = "automatique"
	}
	crit := "1"
	switch {
	case fuel == "electrique":
		crit = "0"
	case fuel == "diesel" && year < 2011:
		crit = "3"
	case fuel == "diesel":
		crit = "2"
	}
	colour := colours[rng.IntN(len(colours))]
	return &garage.Car{Make: m.make, Model: m.model, Version: fmt.Sprintf("%d ch", m.hp), Price: price, RegYear: year,
		RegMonth: 1 + rng.IntN(12), Mileage: km, Fuel: fuel, Gearbox: gear, PowerHP: m.hp, FiscalHP: 4 + m.hp/40,
		Doors: 5, Seats: 5, Colour: colour, BodyType: m.body, CritAir: crit,
		Description: fmt.Sprintf("%s %s de %d, %s, %d km. Véhicule révisé et contrôlé par l'atelier, carnet d'entretien à jour, "+
			"garantie 6 mois pièces et main-d'œuvre. Reprise possible de votre véhicule.", m.make, m.model, year, colour, km)}
}

func pick(rng *rand.Rand, from []string, n int) []string {
	out := make([]string, 0, n)
	for _, k := range rng.Perm(len(from))[:n] {
		out = append(out, from[k])
	}
	return out
}

// picture draws a w×h gradient with some detail, so that JPEG has work to do.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8((x*7 + y*3) ^ (x * y >> 6))
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), v, 0xFF})
		}
	}
	return img
}

// createSchema makes a fresh PostgreSQL schema and returns the URL that
// selects it and a function dropping it.
func createSchema(ctx context.Context, base string) (string, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := execLater(base, "DROP SCHEMA "+schema+" CASCADE")
	u, err := withParam(base, "search_path", schema)
	return u, drop, err
}

// execLater returns a function that runs stmt on a connection of its own
// to base, within 30 s, logging a failure: the clean-up at the end of a run,
// whatever the state of the run's context.
func execLater(base, stmt string) func() {
	return func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			logf("%s: %v", stmt, err)
			return
		}
		defer db.Close()
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(c, stmt); err != nil {
			logf("%s: %v", stmt, err)
		}
	}
}
