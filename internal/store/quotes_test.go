package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func sampleQuote(name string) *garage.Quote {
	return &garage.Quote{Name: name, Email: "client@example.fr", Plate: "AB-123-CD", Vehicle: "Peugeot 208",
		VAT: garage.DefaultVATBasisPoints, ValidUntil: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		Lines: []garage.QuoteLine{
			{Kind: garage.LineLabour, Code: "t1", Label: "Main-d'œuvre T1", Quantity: 150, UnitCents: 7200},
			{Kind: garage.LinePart, Reference: "FH-12", Label: "Filtre à huile", Quantity: 100, UnitCents: 1250},
		}}
}

// TestQuoteLifecycle: a draft is stored with server totals, edited, sent
// with the year's first number, can no longer be edited, is accepted once
// through its link with the hash of its content; every step is audited.
func TestQuoteLifecycle(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		by := garage.Actor{Email: "staff@example.fr", IP: "192.0.2.1"}
		q := sampleQuote("Léa Martin")
		q.Totals = garage.Totals{HT: 1, VAT: 1, TTC: 1} // tampered: recomputed
		if err := s.CreateQuote(ctx, q, now, by); err != nil {
			t.Fatal(err)
		}
		got, err := s.QuoteByID(ctx, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 1,5 h × 72 € TTC = 108 € TTC (90 HT); 12,50 HT filter = 2,50 TVA.
		if got.Status != garage.QuoteDraft || got.Totals != (garage.Totals{HT: 10250, VAT: 2050, TTC: 12300}) || got.Number != "" {
			t.Fatalf("draft = %+v", got)
		}
		got.Lines[1].Quantity = 200
		if err := s.UpdateQuote(ctx, got, now, by); err != nil {
			t.Fatal(err)
		}
		sent, err := s.SendQuote(ctx, q.ID, "hash1", func(q *garage.Quote) (*garage.OutboxMail, error) {
			return &garage.OutboxMail{To: q.Email, Subject: "Devis " + q.Number, Text: "x"}, nil
		}, now, by)
		if err != nil {
			t.Fatal(err)
		}
		if sent.Number != "D-2026-0001" || sent.Status != garage.QuoteSent || sent.Totals.TTC != 13800 {
			t.Fatalf("sent = %+v", sent)
		}
		if err := s.UpdateQuote(ctx, sent, now, by); !errors.Is(err, garage.ErrQuoteNotEditable) {
			t.Fatalf("editing a sent quote: %v", err)
		}
		if _, err := s.SendQuote(ctx, q.ID, "hash2", nil, now, by); !errors.Is(err, garage.ErrQuoteNotEditable) {
			t.Fatalf("sending twice: %v", err)
		}
		if _, err := s.AnswerQuote(ctx, "wrong", garage.QuoteAnswer{Accept: true, Name: "x"}, nil, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("wrong link: %v", err)
		}
		acc, err := s.AnswerQuote(ctx, "hash1", garage.QuoteAnswer{Accept: true, Name: "Léa Martin", IP: "198.51.100.7", Agent: "Firefox"}, nil, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := s.QuoteByToken(ctx, "hash1")
		if stored.Status != garage.QuoteAccepted || stored.ContentHash != acc.ContentSHA256() || stored.AcceptedName != "Léa Martin" ||
			stored.AnswerIP != "198.51.100.7" || stored.AnswerAgent != "Firefox" || stored.AnsweredAt == nil {
			t.Fatalf("accepted = %+v", stored)
		}
		if stored.ContentSHA256() != stored.ContentHash {
			t.Fatal("the stored content no longer matches the accepted hash")
		}
		if _, err := s.AnswerQuote(ctx, "hash1", garage.QuoteAnswer{}, nil, now); !errors.Is(err, garage.ErrQuoteAnswered) {
			t.Fatalf("answering twice: %v", err)
		}
		// A new version is a new draft, numbered when sent.
		v2, err := s.NewQuoteVersion(ctx, q.ID, time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC), now, by)
		if err != nil {
			t.Fatal(err)
		}
		v2s, err := s.SendQuote(ctx, v2.ID, "hash3", nil, now, by)
		if err != nil || v2s.Number != "D-2026-0002" || *v2s.PreviousID != q.ID {
			t.Fatalf("version 2 = %+v, %v", v2s, err)
		}
		// Past its validity, a sent quote is expired and cannot be accepted.
		late := time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC)
		if _, err := s.AnswerQuote(ctx, "hash3", garage.QuoteAnswer{Accept: true, Name: "x"}, nil, late); !errors.Is(err, garage.ErrQuoteExpired) {
			t.Fatalf("expired: %v", err)
		}
		expired, err := s.ListQuotes(ctx, garage.QuoteExpired, late, 10)
		if err != nil || len(expired) != 1 || expired[0].ID != v2.ID {
			t.Fatalf("expired list = %v, %v", expired, err)
		}
		entries, err := s.ListAudit(ctx, "quote.", 20, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"quote.create", "quote.update", "quote.send", "quote.accept"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit lacks %s: %v", want, actions)
			}
		}
	})
}

// TestQuoteNumbersConcurrent: quotes sent at once get the numbers 1..N of
// the year, no gap, no duplicate, on both engines; a new year starts at 1.
func TestQuoteNumbersConcurrent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		const n = 12
		ids := make([]int64, n)
		for i := range ids {
			q := sampleQuote(fmt.Sprint("Client ", i))
			if err := s.CreateQuote(ctx, q, now, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			ids[i] = q.ID
		}
		numbers := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				q, err := s.SendQuote(ctx, ids[i], fmt.Sprint("token", i), nil, now, garage.Actor{})
				if errs[i] = err; err == nil {
					numbers[i] = q.Number
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(numbers)
		for i, got := range numbers {
			if want := garage.QuoteNumber(2026, i+1); got != want {
				t.Fatalf("numbers = %v", numbers)
			}
		}
		q := sampleQuote("Nouvel an")
		if err := s.CreateQuote(ctx, q, now, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		// 31 December 23:30 UTC is 1 January in Paris.
		got, err := s.SendQuote(ctx, q.ID, "newyear", nil, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), garage.Actor{})
		if err != nil || got.Number != "D-2027-0001" {
			t.Fatalf("new year = %+v, %v", got, err)
		}
	})
}

// TestPriceBoardVersions: every change is dated; the board in force on an
// earlier date is found again; a withdrawn item leaves the board.
func TestPriceBoardVersions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		by := garage.Actor{Email: "owner@example.fr", IP: "192.0.2.1"}
		jan := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		mar := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		set := func(p garage.PriceItem, at time.Time) {
			t.Helper()
			if err := s.SetPriceItem(ctx, &p, at, by); err != nil {
				t.Fatal(err)
			}
		}
		set(garage.PriceItem{Kind: garage.PriceRate, Code: "t1", Label: "Mécanique T1", CentsTTC: 6600, Active: true}, jan)
		set(garage.PriceItem{Kind: garage.PriceForfait, Code: "vidange", Label: "Vidange", Contents: "Huile, filtre", CentsTTC: 8900, Active: true}, jan)
		set(garage.PriceItem{Kind: garage.PriceRate, Code: "t1", Label: "Mécanique T1", CentsTTC: 7200, Active: true}, mar)
		set(garage.PriceItem{Kind: garage.PriceForfait, Code: "vidange", Label: "Vidange", Active: false}, mar)
		if err := s.SetQuotePolicy(ctx, garage.QuotePolicy{Free: false, FeeCents: 3000, ValidityDays: 60, VATBasisPoints: 2000}, mar, by); err != nil {
			t.Fatal(err)
		}
		feb, err := s.PriceBoardOn(ctx, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if feb.Rate("t1") == nil || feb.Rate("t1").CentsTTC != 6600 || feb.Forfait("vidange") == nil || !feb.Policy.Free {
			t.Fatalf("February board = %+v", feb)
		}
		now, err := s.PriceBoardOn(ctx, mar.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if now.Rate("t1").CentsTTC != 7200 || now.Forfait("vidange") != nil || now.Policy.Free || now.Policy.ValidityDays != 60 {
			t.Fatalf("March board = %+v", now)
		}
		hist, err := s.PriceHistory(ctx, 10)
		if err != nil || len(hist) != 4 {
			t.Fatalf("history = %v, %v", hist, err)
		}
		entries, _ := s.ListAudit(ctx, "price.", 10, 0)
		if len(entries) != 5 {
			t.Fatalf("%d price audit entries", len(entries))
		}
	})
}
