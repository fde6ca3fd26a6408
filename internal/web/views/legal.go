package views

import (
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
)

// legalFormLine is the company's form and share capital: "SARL au capital
// de 7 500 €", the form alone for a sole trader, "" when not set.
func legalFormLine(g *garage.Details) string {
	switch {
	case g.LegalForm == "":
		return ""
	case g.HasCapital() && g.ShareCapital > 0:
		return g.LegalForm + " au capital de " + format.Euros(g.ShareCapital)
	case g.LegalForm == "EI":
		return "Entreprise individuelle"
	}
	return g.LegalForm
}

// groupDigits groups a number as printed on a Kbis: "732 829 320" (a
// non-breaking space between groups of three, from the left).
func groupDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatVAT writes a French VAT number as "FR 40 303 265 045".
func formatVAT(s string) string {
	if len(s) != 13 {
		return s
	}
	return s[:2] + "\u00a0" + s[2:4] + "\u00a0" + groupDigits(s[4:])
}

// publicationDirector is the director named in the legal notice, or the
// company's legal representative when none is set.
func publicationDirector(g *garage.Details) string {
	if g.Director != "" {
		return g.Director
	}
	return "le représentant légal de " + editorName(g)
}
