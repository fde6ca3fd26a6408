package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestGarageLegalNoticeRoundTrip(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
		g := &garage.Details{Name: "Garage V. Parrot", Street: "12 rue X", PostalCode: "31000", City: "Toulouse",
			Phone: "05 61 00 00 00", Email: "contact@example.fr", LegalName: "Garage V. Parrot", SIRET: "73282932000074",
			Host: "OVH SAS", LegalForm: "SARL", ShareCapital: 7500, RCSCity: "Toulouse", RCSNumber: "732829320",
			VATNumber: "FR40303265045", Director: "Vincent Parrot, gérant", HostAddress: "2 rue Kellermann, 59100 Roubaix",
			HostPhone: "1007"}
		uid := int64(0)
		by := garage.Actor{UserID: &uid, Email: "vincent@example.fr", IP: "192.0.2.1"}
		if err := s.SaveGarageDetails(ctx, g, now, by); err != nil {
			t.Fatal(err)
		}
		got, err := s.GarageDetails(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got.UpdatedAt = g.UpdatedAt
		if *got != *g {
			t.Fatalf("read back\n %+v\nsaved\n %+v", got, g)
		}
		// A change is audited with the legal details before and after.
		g.VATNumber, g.ShareCapital = "", 10000
		if err := s.SaveGarageDetails(ctx, g, now.Add(time.Hour), by); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GarageDetails(ctx); got.VATNumber != "" || got.ShareCapital != 10000 {
			t.Fatalf("after the change: %+v", got)
		}
		list, err := s.ListAudit(ctx, "garage.update", 5, 0)
		if err != nil || len(list) != 2 {
			t.Fatalf("audit %d rows, %v", len(list), err)
		}
		if d := list[0].Details; !strings.Contains(d, "FR40303265045") || !strings.Contains(d, "capital 10000") || !strings.Contains(d, "RCS Toulouse 732829320") {
			t.Fatalf("audit lacks the legal details: %s", d)
		}
	})
}
