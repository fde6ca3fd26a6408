package garage

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestRoundDivHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{5, 10, 1}, {4, 10, 0}, {15, 10, 2}, {-5, 10, -1}, {-15, 10, -2}, {-4, 10, 0}, {25, 100, 0}, {50, 100, 1},
	} {
		if got := RoundDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("RoundDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseCents(t *testing.T) {
	for in, want := range map[string]int64{"89": 8900, "1 234,56": 123456, "12.5": 1250, "0,05": 5, "72 €": 7200} {
		if got, ok := ParseCents(in); !ok || got != want {
			t.Errorf("ParseCents(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "1,234", "abc", "1e3", "1000000000000000", ",5", "1,2,3"} {
		if got, ok := ParseCents(in); ok {
			t.Errorf("ParseCents(%q) = %d, accepted", in, got)
		}
	}
}

func TestQuoteLineAmounts(t *testing.T) {
	// 1,5 h at 72 € TTC the hour: 108 € TTC, 90 € HT, 18 € TVA.
	l := QuoteLine{Kind: LineLabour, Quantity: 150, UnitCents: 7200}
	l.Compute(DefaultVATBasisPoints)
	if l.TTC != 10800 || l.HT != 9000 || l.VAT != 1800 {
		t.Errorf("labour = %+v", l)
	}
	// 4 filters at 3,33 € HT: 13,32 HT, 2,66 TVA (2,664 rounded), 15,98 TTC.
	p := QuoteLine{Kind: LinePart, Quantity: 400, UnitCents: 333}
	p.Compute(DefaultVATBasisPoints)
	if p.HT != 1332 || p.VAT != 266 || p.TTC != 1598 {
		t.Errorf("part = %+v", p)
	}
	// A forfait keeps its board price TTC: 89 € TTC = 74,17 HT + 14,83 TVA.
	f := QuoteLine{Kind: LineForfait, Quantity: 100, UnitCents: 8900}
	f.Compute(DefaultVATBasisPoints)
	if f.TTC != 8900 || f.HT != 7417 || f.VAT != 1483 {
		t.Errorf("forfait = %+v", f)
	}
}

func TestLineProblem(t *testing.T) {
	for _, l := range []QuoteLine{
		{Kind: LinePart, Quantity: -100, UnitCents: 100},
		{Kind: LinePart, Quantity: 0, UnitCents: 100},
		{Kind: LinePart, Quantity: 100, UnitCents: -1},
		{Kind: LinePart, Quantity: 100, UnitCents: 100_000_000_000_000}, // 10^12 €
		{Kind: LinePart, Quantity: QuoteMaxQuantity + 1, UnitCents: 100},
		{Kind: "autre", Quantity: 100, UnitCents: 100},
	} {
		if LineProblem(&l) == "" {
			t.Errorf("line %+v accepted", l)
		}
	}
	if msg := LineProblem(&QuoteLine{Kind: LinePart, Quantity: QuoteMaxQuantity, UnitCents: QuoteMaxUnitCents}); msg != "" {
		t.Errorf("largest line refused: %s", msg)
	}
}

// TestQuoteTotalsProperty: for random lines, the totals are the sums of
// the rounded lines and HT + TVA = TTC, on every line and in total.
func TestQuoteTotalsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(QuoteMaxLines)
		lines := make([]QuoteLine, n)
		kinds := []LineKind{LineLabour, LinePart, LineForfait}
		for i := range lines {
			lines[i] = QuoteLine{Kind: kinds[r.IntN(3)], Quantity: 1 + r.Int64N(QuoteMaxQuantity),
				UnitCents: r.Int64N(QuoteMaxUnitCents + 1)}
		}
		vat := []int64{2000, 1000, 550, 210, 0}[r.IntN(5)]
		tot := ComputeTotals(lines, vat)
		var ht, tva, ttc int64
		for _, l := range lines {
			if l.HT+l.VAT != l.TTC || l.HT < 0 || l.VAT < 0 {
				t.Fatalf("line %+v: HT + TVA != TTC", l)
			}
			ht, tva, ttc = ht+l.HT, tva+l.VAT, ttc+l.TTC
		}
		if tot.HT != ht || tot.VAT != tva || tot.TTC != ttc {
			t.Fatalf("totals %+v, sums %d %d %d", tot, ht, tva, ttc)
		}
		if tot.HT+tot.VAT != tot.TTC {
			t.Fatalf("totals %+v: HT + TVA != TTC", tot)
		}
	}
}

func TestQuoteStatusTransitions(t *testing.T) {
	allowed := map[[2]QuoteStatus]bool{
		{QuoteDraft, QuoteSent}: true, {QuoteSent, QuoteAccepted}: true,
		{QuoteSent, QuoteRefused}: true, {QuoteSent, QuoteExpired}: true,
	}
	for _, from := range QuoteStatuses() {
		for _, to := range QuoteStatuses() {
			if got := from.CanBecome(to); got != allowed[[2]QuoteStatus{from, to}] {
				t.Errorf("%s -> %s = %v", from, to, got)
			}
		}
	}
}

func TestQuoteNumberAndExpiry(t *testing.T) {
	if got := QuoteNumber(2026, 1); got != "D-2026-0001" {
		t.Errorf("QuoteNumber = %q", got)
	}
	q := &Quote{Status: QuoteSent, ValidUntil: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	// 31 March 23:30 in Paris is still valid; 1 April 00:10 in Paris is not.
	if q.State(time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC)) != QuoteSent {
		t.Error("expired on its last day")
	}
	if q.State(time.Date(2026, 3, 31, 22, 10, 0, 0, time.UTC)) != QuoteExpired {
		t.Error("not expired the day after")
	}
}

func TestQuoteContentHash(t *testing.T) {
	q := &Quote{Number: "D-2026-0001", Name: "Léa Martin", VAT: 2000,
		Lines:      []QuoteLine{{Kind: LinePart, Label: "Filtre", Quantity: 100, UnitCents: 1000}},
		ValidUntil: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)}
	q.Reprice()
	h := q.ContentSHA256()
	if len(h) != 64 || h != q.ContentSHA256() {
		t.Fatalf("hash %q not stable", h)
	}
	q.Lines[0].UnitCents = 1001
	q.Reprice()
	if q.ContentSHA256() == h {
		t.Error("a changed price keeps the hash")
	}
}

func TestFormatCents(t *testing.T) {
	if got := FormatCents(123456); got != "1\u202f234,56\u202f€" {
		t.Errorf("FormatCents = %q", got)
	}
	if got := FormatQuantity(150); got != "1,5" {
		t.Errorf("FormatQuantity(150) = %q", got)
	}
	if got := FormatQuantity(200); got != "2" {
		t.Errorf("FormatQuantity(200) = %q", got)
	}
}
