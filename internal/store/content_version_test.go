package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// The content version must grow with every change the public pages show, and only with those: a cache
// keyed on it is then never stale, and is not thrown away by every login or contact message.
func TestContentVersionFollowsPublicContent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		version := func() int64 {
			t.Helper()
			v, err := s.ContentVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		mustBump := func(what string, change func() error) {
			t.Helper()
			before := version()
			if err := change(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if after := version(); after <= before {
				t.Errorf("%s: content version %d → %d, want it to grow", what, before, after)
			}
		}
		mustKeep := func(what string, change func() error) {
			t.Helper()
			before := version()
			if err := change(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if after := version(); after != before {
				t.Errorf("%s: content version %d → %d, want it unchanged", what, before, after)
			}
		}

		u := newUser(t, s, "lea@example.test", garage.RoleEmployee)
		c := sampleCar()
		mustBump("create a car", func() error { return s.CreateCar(ctx, c, nil, t0, garage.Actor{}) })
		mustBump("publish it", func() error {
			return s.SetCarStatus(ctx, c.ID, garage.CarDraft, garage.CarPublished, t0, garage.Actor{})
		})
		c.Price = 9990
		mustBump("change its price", func() error { return s.UpdateCar(ctx, c, nil, t0, garage.Actor{}) })
		mustBump("add a photo", func() error {
			return s.AddCarPhotos(ctx, c.ID, []*garage.CarPhoto{{Key: "cars/ab/abcdef0123456789", Width: 1280, Height: 960}}, t0, garage.Actor{})
		})
		mustBump("set its equipment", func() error {
			return s.SetCarEquipment(ctx, c.ID, &garage.CarEquipment{NewNames: []string{"Climatisation"}}, t0, garage.Actor{})
		})
		mustBump("sell it", func() error {
			return s.SetCarStatus(ctx, c.ID, garage.CarPublished, garage.CarSold, t0, garage.Actor{})
		})
		r := &garage.Testimonial{Name: "Ana", Comment: "Très bien", Rating: 5, Email: "ana@example.test"}
		mustBump("a review arrives", func() error { return s.CreateTestimonial(ctx, r, t0, garage.Actor{}) })
		mustBump("it is approved", func() error {
			_, err := s.ModerateTestimonial(ctx, r.ID, garage.Moderation{Status: garage.TestimonialApproved, By: u.ID}, nil, t0, garage.Actor{})
			return err
		})
		week := hours.DefaultWeek()
		mustBump("new opening hours", func() error { return s.SaveOpeningHours(ctx, week, t0, garage.Actor{}) })
		mustBump("a closing day", func() error {
			return s.CreateException(ctx, &hours.Exception{First: hours.Date{Year: 2026, Month: 12, Day: 24}, Last: hours.Date{Year: 2026, Month: 12, Day: 24}, Label: "Fermeture"}, t0, garage.Actor{})
		})
		mustBump("a service", func() error {
			return s.CreateService(ctx, &garage.Service{Title: "Vidange", Description: "Huile et filtre", Visible: true}, t0, garage.Actor{})
		})
		g, err := s.GarageDetails(ctx)
		if err != nil {
			g = &garage.Details{Name: "Garage V. Parrot"}
		}
		g.Phone = "05 61 00 00 00"
		mustBump("the garage's details", func() error { return s.SaveGarageDetails(ctx, g, t0, garage.Actor{}) })
		mustBump("delete the car", func() error { _, err := s.DeleteCar(ctx, c.ID, t0, garage.Actor{}); return err })

		mustKeep("a login session", func() error {
			return s.CreateSession(ctx, &garage.Session{TokenHash: "h", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(1e12)}, garage.Actor{})
		})
		mustKeep("a contact message", func() error {
			return s.CreateMessage(ctx, &garage.Message{LastName: "Durand", FirstName: "Paul", Email: "paul@example.test", Subject: "Question", Body: "Bonjour"}, nil, t0)
		})
		mustKeep("a rate counter", func() error { _, err := s.DeleteRateCountersBefore(ctx, t0); return err })

		// One transaction that changes many rows bumps it, whatever the number of rows.
		before := version()
		storetest.BulkCars(t, s, 50)
		if after := version(); after <= before {
			t.Errorf("bulk insert: content version %d → %d", before, after)
		}

		// A restore switches the triggers off while it empties the tables: it must still count as a change.
		mustBump("a forced restore of an empty backup", func() error {
			r, err := s.BeginRestore(ctx, true)
			if err != nil {
				return err
			}
			_, err = r.Commit()
			return err
		})
	})
}

// A store sees what other pools (other processes, other instances) commit on the same database, and a
// read that failed (the schema not there yet) leaves nothing behind.
func TestContentVersionSeesOtherConnectionsCommits(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			u := storetest.URL(t, engine)
			reader, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer reader.Close()
			reader.SetContentVersionLag(0) // with the lag, see versionReads' tests
			if _, err := reader.ContentVersion(ctx); err == nil {
				t.Fatal("a version read before the migrations")
			}
			if err := reader.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			writer, err := store.Open(ctx, u) // another pool: as another process would
			if err != nil {
				t.Fatal(err)
			}
			defer writer.Close()
			last, err := reader.ContentVersion(ctx)
			if err != nil {
				t.Fatalf("after the migrations: %v", err)
			}
			week := hours.DefaultWeek()
			for i := range 5 {
				week[0].Ranges = []hours.Range{{Open: 8*60 + hours.Step*i, Close: 12 * 60}}
				if err := writer.SaveOpeningHours(ctx, week, t0, garage.Actor{}); err != nil {
					t.Fatal(err)
				}
				n, err := reader.ContentVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n <= last {
					t.Fatalf("change %d through another connection: version %d → %d", i, last, n)
				}
				last = n
			}
		})
	}
}

// The version read never keeps a connection between reads: with a pool of one (pool_max_conns=1), the
// pages' own queries still get it.
func TestContentVersionLeavesASmallPoolUsable(t *testing.T) {
	ctx := context.Background()
	u := storetest.URL(t, store.Postgres) // skipped without PostgreSQL
	s, err := store.Open(ctx, u+"&pool_max_conns=1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := s.ContentVersion(ctx); err != nil {
			t.Fatal(err)
		}
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := s.Ping(qctx)
		cancel()
		if err != nil {
			t.Fatalf("query %d after a version read, with a pool of one: %v", i, err)
		}
	}
}
