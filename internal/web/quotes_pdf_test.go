package web

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// TestQuotePDF parses the quote's PDF back with pdftotext (poppler-utils):
// it holds the number, every line with its accents, and the TTC total
// with its euro sign; staff and the customer's link get it.
func TestQuotePDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing in CI (scripts/test.sh installs poppler-utils)")
		}
		t.Skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils")
	}
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	now := e.clock.Now()
	if err := e.store.SaveGarageDetails(ctx, &garage.Details{Name: "Garage V. Parrot", LegalName: "Garage V. Parrot SARL",
		Street: "12 avenue de l'Hers", PostalCode: "31500", City: "Toulouse", Phone: "05 61 00 00 00",
		Email: "contact@garage-parrot.test", SIRET: "73282932000074"}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	q := &garage.Quote{Name: "Léa Martin", Email: "lea@exemple.fr", Plate: "AB-123-CD", Vehicle: "Peugeot 208",
		VAT: garage.DefaultVATBasisPoints, ValidUntil: garage.DateOnlyParis(now).AddDate(0, 0, 30),
		Lines: []garage.QuoteLine{
			{Kind: garage.LineLabour, Code: "carrosserie", Label: "Carrosserie : redressage de l'aile", Quantity: 250, UnitCents: 7800},
			{Kind: garage.LinePart, Reference: "PHA-208", Label: "Phare avant gauche", Quantity: 100, UnitCents: 18990},
			{Kind: garage.LineForfait, Code: "peinture", Label: "Peinture élément", Quantity: 100, UnitCents: 24000},
		}}
	if err := e.store.CreateQuote(ctx, q, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	sent, err := e.store.SendQuote(ctx, q.ID, hashToken("jeton-du-client-0123456789abcdef"), nil, now, garage.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	text := func(c *http.Client, path string) string {
		t.Helper()
		res := e.get(c, path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		file := filepath.Join(t.TempDir(), "devis.pdf")
		if err := os.WriteFile(file, []byte(res.body), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\u00a0", " ")), " ")
	}
	admin := e.loggedIn(employeeEmail, employeePass)
	for _, got := range []string{
		text(admin, views.AdminQuotePath(q.ID, "pdf")),
		text(e.client(), views.QuoteLinkPath("jeton-du-client-0123456789abcdef", "pdf")),
	} {
		// 2,5 h × 78 = 195,00 TTC; 189,90 HT + 37,98 = 227,88; 240,00: 662,88 TTC.
		for _, want := range []string{sent.Number, "redressage de l'aile", "Phare avant gauche", "PHA-208",
			"Peinture élément", "195,00 €", "227,88 €", "Total TTC 662,88 €", "SIRET : 73282932000074", "Léa Martin"} {
			if !strings.Contains(got, want) {
				t.Errorf("PDF lacks %q:\n%s", want, got)
			}
		}
	}
	if sent.Totals.TTC != 66288 {
		t.Fatalf("total %d", sent.Totals.TTC)
	}
}
