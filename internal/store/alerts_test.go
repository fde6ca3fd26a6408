package store_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func confirmMail(a *garage.SearchAlert) (*garage.OutboxMail, error) {
	return &garage.OutboxMail{Kind: "alert.confirm", To: a.Email, Subject: "Confirmez " + strconv.FormatInt(a.ID, 10), Text: "t"}, nil
}

func TestSearchAlertLifeCycle(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := &garage.SearchAlert{Email: "Alice@Exemple.fr", Query: "marque=Renault"}
		if err := s.CreateAlert(ctx, a, "hash-1", confirmMail, t0); err != nil {
			t.Fatal(err)
		}
		mails, _ := s.ListOutbox(ctx, 10)
		if len(mails) != 1 || mails[0].To != "Alice@Exemple.fr" || mails[0].Subject != "Confirmez "+strconv.FormatInt(a.ID, 10) {
			t.Fatalf("outbox %+v", mails)
		}
		// Unconfirmed: not due, and the per-address limit of pending alerts holds (any case).
		if due, _ := s.DueAlerts(ctx, t0.Add(48*time.Hour)); len(due) != 0 {
			t.Fatalf("unconfirmed alert due: %+v", due)
		}
		for i := range 2 {
			if err := s.CreateAlert(ctx, &garage.SearchAlert{Email: "alice@exemple.fr"}, "hash-p"+strconv.Itoa(i), confirmMail, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateAlert(ctx, &garage.SearchAlert{Email: "ALICE@exemple.fr"}, "hash-x", confirmMail, t0); !errors.Is(err, store.ErrTooManyAlerts) {
			t.Fatalf("4th pending alert: %v", err)
		}
		if mails, _ := s.ListOutbox(ctx, 10); len(mails) != 3 {
			t.Fatalf("%d confirmation mails, want 3", len(mails))
		}

		// Confirmation: once; from then on, due.
		got, err := s.ConfirmAlert(ctx, "hash-1", t0.Add(time.Hour))
		if err != nil || !got.ConfirmedAt.Equal(t0.Add(time.Hour)) || !got.SeenUntil.Equal(t0.Add(time.Hour)) {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		if again, err := s.ConfirmAlert(ctx, "hash-1", t0.Add(2*time.Hour)); err != nil || !again.ConfirmedAt.Equal(got.ConfirmedAt) {
			t.Fatalf("second confirm moved the date: %+v %v", again, err)
		}
		if _, err := s.ConfirmAlert(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown link: %v", err)
		}
		due, err := s.DueAlerts(ctx, t0.Add(2*time.Hour))
		if err != nil || len(due) != 1 || due[0].ID != a.ID {
			t.Fatalf("due: %+v %v", due, err)
		}
		sent, err := s.RecordAlertDigest(ctx, due[0], "hash-d1", &garage.OutboxMail{To: a.Email, Subject: "Digest", Text: "t"}, t0.Add(2*time.Hour))
		if err != nil || !sent {
			t.Fatalf("digest: %v %v", sent, err)
		}
		if due, _ := s.DueAlerts(ctx, t0.Add(25*time.Hour)); len(due) != 0 {
			t.Fatalf("due again within a day: %+v", due)
		}
		if due, _ := s.DueAlerts(ctx, t0.Add(26*time.Hour)); len(due) != 1 {
			t.Fatalf("not due a day later: %+v", due)
		}
		// The digest's fresh link opens the same alert; the address's page lists all of them.
		if got, err := s.AlertByToken(ctx, "hash-d1"); err != nil || got.ID != a.ID {
			t.Fatalf("digest link: %+v %v", got, err)
		}
		if list, _ := s.AlertsOfEmail(ctx, "alice@EXEMPLE.fr"); len(list) != 3 {
			t.Fatalf("alerts of the address: %d", len(list))
		}

		// Deleting another address's alert through one's link: not found.
		other := &garage.SearchAlert{Email: "bob@exemple.fr"}
		if err := s.CreateAlert(ctx, other, "hash-bob", nil, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAlertOfOwner(ctx, "hash-1", other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleting someone else's alert: %v", err)
		}

		// The janitor: unconfirmed alerts older than 7 days go, with their links.
		n, err := s.DeleteUnconfirmedAlertsBefore(ctx, t0.Add(time.Minute))
		if err != nil || n != 3 {
			t.Fatalf("janitor deleted %d: %v", n, err)
		}
		if _, err := s.AlertByToken(ctx, "hash-bob"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("link of a deleted alert: %v", err)
		}
		// One-click unsubscribe: the alert and all its links go.
		if err := s.DeleteAlertByToken(ctx, "hash-d1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertByToken(ctx, "hash-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("first link after unsubscribe: %v", err)
		}
		if list, _ := s.AlertsOfEmail(ctx, "alice@exemple.fr"); len(list) != 0 {
			t.Fatalf("address kept: %+v", list)
		}
		var links int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM search_alert_links`).Scan(&links); err != nil || links != 0 {
			t.Fatalf("%d links kept: %v", links, err)
		}
	})
}

// TestAlertDigestOncePerDayUnderConcurrency: several instances running the
// digest job at once queue one digest.
func TestAlertDigestOncePerDayUnderConcurrency(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := &garage.SearchAlert{Email: "c@exemple.fr"}
		if err := s.CreateAlert(ctx, a, "hash-c", nil, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmAlert(ctx, "hash-c", t0); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueAlerts(ctx, t0.Add(time.Hour))
		if err != nil || len(due) != 1 {
			t.Fatalf("due %v %v", due, err)
		}
		const n = 6
		var wg sync.WaitGroup
		results := make(chan bool, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				al := *due[0]
				sent, err := s.RecordAlertDigest(ctx, &al, "hash-run"+strconv.Itoa(i), &garage.OutboxMail{To: al.Email, Subject: "D", Text: "t"}, t0.Add(time.Hour))
				if err != nil && !store.IsUnavailable(err) {
					t.Error(err)
				}
				results <- sent
			}()
		}
		wg.Wait()
		close(results)
		sent := 0
		for ok := range results {
			if ok {
				sent++
			}
		}
		mails, _ := s.ListOutbox(ctx, 10)
		if sent != 1 || len(mails) != 1 {
			t.Fatalf("%d digests reported, %d queued; want 1", sent, len(mails))
		}
	})
}

func TestPriceDropsAreRecordedByTheDatabase(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &garage.Car{Make: "Renault", Model: "Clio", Price: 12000, RegYear: 2020, RegMonth: 1, Mileage: 1000, Fuel: "essence",
			Gearbox: "manuelle", Status: garage.CarPublished, PublishedAt: t0}
		if err := s.CreateCar(ctx, c, nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		draft := &garage.Car{Make: "Fiat", Price: 5000}
		if err := s.CreateCar(ctx, draft, nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		for i, p := range []int{11000, 11500, 10500} { // down, up, down
			c.Price = p
			if err := s.UpdateCar(ctx, c, nil, t0.Add(time.Duration(i+1)*time.Hour), garage.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		draft.Price = 4000 // a draft is nobody's news
		if err := s.UpdateCar(ctx, draft, nil, t0.Add(time.Hour), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		drops, err := s.PriceDropsSince(ctx, t0)
		if err != nil || len(drops) != 1 || drops[c.ID] != (garage.PriceDrop{CarID: c.ID, OldPrice: 12000, NewPrice: 10500}) {
			t.Fatalf("drops %+v %v", drops, err)
		}
		if drops, _ := s.PriceDropsSince(ctx, t0.Add(90*time.Minute)); drops[c.ID].OldPrice != 11500 {
			t.Fatalf("drops since the rise %+v", drops)
		}
		if n, err := s.DeletePriceDropsBefore(ctx, t0.Add(150*time.Minute)); err != nil || n != 1 {
			t.Fatalf("deleted %d %v", n, err)
		}
		// CarsByIDs keeps the order asked, without the unknown.
		list, err := s.CarsByIDs(ctx, []int64{draft.ID, 999, c.ID})
		if err != nil || len(list) != 2 || list[0].ID != draft.ID || list[1].ID != c.ID {
			t.Fatalf("cars by ids %v %v", list, err)
		}
	})
}
