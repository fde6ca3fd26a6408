package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestChangesAreAuditedInTheirTransaction: a change by a member of staff
// is kept with its audit row (who, from where, what before and after); a
// refused change leaves neither; a change whose audit row cannot be written
// is not kept; the system loading data writes no audit row.
func TestChangesAreAuditedInTheirTransaction(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := newUser(t, s, "vincent@exemple.fr", garage.RoleAdmin)
		emp := newUser(t, s, "lea@exemple.fr", garage.RoleEmployee)
		if list, _ := s.ListAudit(ctx, "", 10, 0); len(list) != 0 {
			t.Fatalf("loading data wrote %d audit rows", len(list))
		}
		by := garage.ActorOf(admin, "192.0.2.7")

		if err := s.SetUserRole(ctx, emp.ID, garage.RoleAdmin, t0, by); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListAudit(ctx, "user.role", 10, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("audit: %v %v", list, err)
		}
		e := list[0]
		var details map[string]string
		if err := json.Unmarshal([]byte(e.Details), &details); err != nil {
			t.Fatal(err)
		}
		if e.ActorID == nil || *e.ActorID != admin.ID || e.ActorEmail != admin.Email || e.IP != "192.0.2.7" ||
			e.Target != garage.Target("user", emp.ID) || !e.At.Equal(t0) ||
			!strings.Contains(details["before"], "Employé") || !strings.Contains(details["after"], "Administrateur") {
			t.Fatalf("audit row %+v %v", e, details)
		}

		// Refused: the last administrator stays, and nothing is recorded.
		if err := s.SetUserRole(ctx, emp.ID, garage.RoleEmployee, t0, by); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserActive(ctx, admin.ID, false, t0, by); !errors.Is(err, garage.ErrLastAdmin) {
			t.Fatalf("disabling the last admin: %v", err)
		}
		if list, _ := s.ListAudit(ctx, "user.disable", 10, 0); len(list) != 0 {
			t.Fatalf("a refused change was audited: %+v", list[0])
		}

		// No audit row, no change.
		c := sampleCar()
		if err := s.CreateCar(ctx, c, nil, t0, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCarStatus(ctx, c.ID, garage.CarDraft, garage.CarArchived, t0, by); err == nil {
			t.Fatal("a change was kept without its audit row")
		}
		if got, err := s.CarByID(ctx, c.ID); err != nil || got.Status != garage.CarDraft {
			t.Fatalf("car after a failed audit: %+v %v", got, err)
		}
		if err := s.SetCarStatus(ctx, c.ID, garage.CarDraft, garage.CarArchived, t0, garage.Actor{}); err != nil {
			t.Fatalf("the system's change needs no audit row: %v", err)
		}
		if _, err := s.DB().ExecContext(ctx, `ALTER TABLE audit_log_away RENAME TO audit_log`); err != nil {
			t.Fatal(err)
		}
	})
}

// TestErrorsNameTheirOperation: a store error says what was being done and
// still matches the store's sentinels.
func TestErrorsNameTheirOperation(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.CarByID(ctx, 404)
		if !errors.Is(err, store.ErrNotFound) || err.Error() != "store: read car 404: not found" {
			t.Fatalf("CarByID: %v", err)
		}
		u := newUser(t, s, "lea@exemple.fr", garage.RoleEmployee)
		err = s.CreateUser(ctx, &garage.User{Email: strings.ToUpper(u.Email), Role: garage.RoleEmployee}, t0, garage.Actor{})
		if !errors.Is(err, store.ErrConflict) || !strings.HasPrefix(err.Error(), "store: create user LEA@EXEMPLE.FR: conflict") {
			t.Fatalf("duplicate e-mail: %v", err)
		}
		if store.IsUnavailable(err) {
			t.Fatal("a conflict is not an outage")
		}
		cctx, cancel := context.WithTimeout(ctx, 0)
		defer cancel()
		if _, err := s.ListUsers(cctx); !store.IsUnavailable(err) {
			t.Fatalf("a query past its deadline: %v", err)
		}
	})
}
