package slug

import (
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	for in, want := range map[string]string{
		"Peugeot 208 1.2 PureTech 110 Allure": "peugeot-208-1-2-puretech-110-allure",
		"Citroën C3 Aircross — Shine":         "citroen-c3-aircross-shine",
		"Renault Mégane IV Estate":            "renault-megane-iv-estate",
		"  Škoda Octavia  Combi ":             "skoda-octavia-combi",
		"Cœur de Lion Æther Straße":           "coeur-de-lion-aether-strasse",
		"DS 3 Crossback E-Tense":              "ds-3-crossback-e-tense",
		"!!!":                                 "",
		"":                                    "",
		"../../etc/passwd":                    "etc-passwd",
		"<script>alert(1)</script>":           "script-alert-1-script",
	} {
		if got := Make(in); got != want {
			t.Errorf("Make(%q) = %q, want %q", in, got, want)
		}
	}
	long := Make(strings.Repeat("Peugeot Partner ", 20))
	if len(long) > MaxLen || strings.HasSuffix(long, "-") || !strings.HasPrefix(long, "peugeot-partner-") {
		t.Errorf("long slug %q", long)
	}
}
