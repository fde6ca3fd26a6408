package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/store"
)

// demoAdminEmail is the administrator account of the demo site.
const demoAdminEmail = "vincent.parrot@garage-parrot.test"

// runDemo starts a local development site on SQLite, filled with demo
// content the first time. Running it again reuses the same database.
func runDemo(ctx context.Context, e *env) error {
	fs := newFlags(e, "demo", "demo")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	if cfg.Production {
		return errors.New("« garage demo » est réservé au développement : utilisez « garage serve » en production")
	}
	if cfg.IsPostgres() {
		return errors.New("« garage demo » utilise une base SQLite locale : retirez DATABASE_URL ou donnez un chemin de fichier")
	}
	log := newLogger(cfg, e.stdout)
	if e.getenv("METRICS_ADDR") == "" {
		// The demo must start whatever holds Prometheus's default port: it
		// has a metrics listener only when METRICS_ADDR asks for one.
		cfg.MetricsAddr = ""
		log.Info("metrics listener off in the demo; set METRICS_ADDR to turn it on")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	if _, err := s.InitRoles(ctx); err != nil {
		return err
	}
	if err := seedDemo(ctx, s, time.Now()); err != nil {
		return err
	}
	photos, closePhotos, err := openPhotos(ctx, cfg)
	if err != nil {
		return err
	}
	err = seedDemoCars(ctx, s, photos, time.Now())
	closePhotos()
	if err != nil {
		return err
	}
	pw, err := ensureDemoAdmin(ctx, s)
	if err != nil {
		return err
	}
	if err := seedDemoLeads(ctx, s, time.Now()); err != nil {
		return err
	}
	if err := seedDemoWorkshop(ctx, s, time.Now()); err != nil { // workshop (issue 17)
		return err
	}
	if err := seedDemoQuotes(ctx, s, time.Now()); err != nil { // prices and quotes (issue 18)
		return err
	}
	if err := seedDemoReviews(ctx, s, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nSite de démonstration : %s  (base : %s)\n", demoURL(cfg), s.Path())
	if pw != "" {
		fmt.Fprintf(e.stdout, "Compte administrateur créé — notez ce mot de passe, il ne sera plus affiché :\n  e-mail : %s\n  mot de passe : %s\n\n", demoAdminEmail, pw)
	} else {
		fmt.Fprintf(e.stdout, "Compte administrateur : %s (mot de passe affiché lors du premier lancement ; supprimez %s pour repartir de zéro)\n\n", demoAdminEmail, s.Path())
	}
	return serve(ctx, cfg, s, log, e)
}

func demoURL(cfg *config.Config) string {
	if cfg.PublicURL != "" {
		return cfg.PublicURL
	}
	return "http://" + cfg.Addr
}

// ensureDemoAdmin creates the demo administrator with a generated password
// when it does not exist yet, and returns that password ("" otherwise).
func ensureDemoAdmin(ctx context.Context, s *store.Store) (string, error) {
	if _, err := s.UserByEmail(ctx, demoAdminEmail); err == nil {
		return "", nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	pw := password.Generate()
	hash, err := password.NewHasher(password.DefaultParams(), 1).Hash(ctx, pw)
	if err != nil {
		return "", err
	}
	u := &garage.User{Email: demoAdminEmail, PasswordHash: hash, FirstName: "Vincent", LastName: "Parrot", Role: garage.RoleAdmin, Active: true}
	if err := createAdminUser(ctx, s, u); err != nil {
		return "", err
	}
	return pw, nil
}

// seedDemo fills an empty database with the garage's demo details, hours
// and services. It does nothing when the garage's details already exist.
func seedDemo(ctx context.Context, s *store.Store, now time.Time) error {
	if _, err := s.GarageDetails(ctx); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	g := &garage.Details{
		Name: garage.DefaultName, Street: "12 avenue des Mécaniciens", PostalCode: "31200", City: "Toulouse",
		Phone: "05 61 00 00 00", Email: "contact@garage-parrot.test",
		LegalName: garage.DefaultName, SIRET: "84127759300015", Host: "OVH SAS",
		// Plausible legal details (the numbers pass their checksums) for
		// the legal notice; the owner replaces them in the back office.
		LegalForm: "SARL", ShareCapital: 7500, RCSCity: "Toulouse", RCSNumber: "841277593", VATNumber: "FR73841277593",
		Director: "Vincent Parrot, gérant", HostAddress: "2 rue Kellermann, 59100 Roubaix, France", HostPhone: "+33 9 72 10 10 07",
	}
	if err := s.SaveGarageDetails(ctx, g, now, garage.Actor{}); err != nil {
		return err
	}
	if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), now, garage.Actor{}); err != nil {
		return err
	}
	for _, sv := range demoServices() {
		if err := s.CreateService(ctx, sv, now, garage.Actor{}); err != nil {
			return err
		}
	}
	return nil
}

func euros(n int) *int { return &n }

func demoServices() []*garage.Service {
	return []*garage.Service{
		{Title: "Entretien et révision", Visible: true, PriceFrom: euros(129),
			Description: "Vidange, filtres et points de contrôle du constructeur, sans perdre votre garantie."},
		{Title: "Réparation mécanique", Visible: true,
			Description: "Diagnostic électronique, moteur, embrayage, distribution et boîte de vitesses, toutes marques."},
		{Title: "Freinage", Visible: true, PriceFrom: euros(89),
			Description: "Plaquettes, disques et liquide de frein, contrôlés et remplacés avec des pièces d'origine ou équivalentes."},
		{Title: "Carrosserie et peinture", Visible: true,
			Description: "Débosselage, remplacement d'éléments et peinture en cabine, avec devis gratuit et prise en charge des assurances."},
		{Title: "Pneumatiques et géométrie", Visible: true, PriceFrom: euros(25),
			Description: "Montage, équilibrage, permutation et réglage du parallélisme."},
		{Title: "Climatisation", Visible: true, PriceFrom: euros(79),
			Description: "Recharge, désinfection et recherche de fuite du circuit de climatisation."},
	}
}
