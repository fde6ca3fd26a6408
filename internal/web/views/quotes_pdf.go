package views

import (
	"bytes"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// QuotePDF renders quote q of garage g as an A4 PDF with fpdf's core
// fonts; French text and the euro sign go through fpdf's cp1252
// translator (the narrow no-break space, absent from cp1252, becomes a
// no-break space).
func QuotePDF(q *garage.Quote, g *garage.Details) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Devis "+q.Number, true)
	pdf.SetAuthor(g.DisplayName(), true)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	cp := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp(strings.ReplaceAll(s, "\u202f", "\u00a0")) }
	pdf.AddPage()

	title := "Devis " + q.Number
	if q.Number == "" {
		title = "Devis (brouillon)"
	}
	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(0, 10, tr(title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	left := strings.Join([]string{g.LegalName, g.Street, g.PostalCode + " " + g.City, "SIRET : " + g.SIRET,
		g.Phone + " - " + g.Email}, "\n")
	right := q.Name + "\n" + q.Email
	if q.Phone != "" {
		right += "\n" + q.Phone
	}
	if q.Vehicle != "" || q.Plate != "" {
		right += "\nVéhicule : " + strings.TrimSpace(q.Vehicle+" "+q.Plate)
	}
	y := pdf.GetY() + 2
	pdf.SetXY(15, y)
	pdf.MultiCell(85, 5, tr(left), "", "L", false)
	yLeft := pdf.GetY()
	pdf.SetXY(110, y)
	pdf.MultiCell(85, 5, tr(right), "", "L", false)
	pdf.SetY(max(yLeft, pdf.GetY()) + 4)
	pdf.MultiCell(0, 5, tr("Établi le "+format.Date(sentDay(q).In(hours.Paris()))+", valable jusqu'au "+
		format.Date(q.ValidUntil)+" inclus."), "", "L", false)
	if q.Notes != "" {
		pdf.MultiCell(0, 5, tr(q.Notes), "", "L", false)
	}
	pdf.Ln(3)

	widths := []float64{76, 20, 26, 22, 16, 20}
	heads := []string{"Désignation", "Qté", "Prix unit.", "Total HT", "TVA", "Total TTC"}
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetFillColor(235, 235, 235)
	for i, h := range heads {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 7, tr(h), "1", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range q.Lines {
		label := l.Kind.Label() + " : " + l.Label
		if l.Reference != "" {
			label += " (réf. " + l.Reference + ")"
		}
		unit := garage.FormatCents(l.UnitCents) + " HT"
		if l.UnitTTC() {
			unit = garage.FormatCents(l.UnitCents) + " TTC"
		}
		qty := garage.FormatQuantity(l.Quantity)
		if l.Kind == garage.LineLabour {
			qty += " h"
		}
		lines := pdf.SplitText(label, widths[0]-2) // split the UTF-8 text, then translate each line
		for i := range lines {
			lines[i] = tr(lines[i])
		}
		h := 5 * float64(max(1, len(lines)))
		x, y := pdf.GetX(), pdf.GetY()
		pdf.MultiCell(widths[0], 5, strings.Join(lines, "\n"), "1", "L", false)
		pdf.SetXY(x+widths[0], y)
		for i, v := range []string{qty, unit, garage.FormatCents(l.HT), garage.FormatCents(l.VAT), garage.FormatCents(l.TTC)} {
			pdf.CellFormat(widths[i+1], h, tr(v), "1", 0, "R", false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(2)
	total := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(widths[0]+widths[1]+widths[2]+widths[3]+widths[4], 6, tr(label), "", 0, "R", false, 0, "")
		pdf.CellFormat(widths[5], 6, tr(value), "", 1, "R", false, 0, "")
	}
	total("Total HT", garage.FormatCents(q.Totals.HT), false)
	total("TVA "+garage.VATLabel(q.VAT), garage.FormatCents(q.Totals.VAT), false)
	total("Total TTC", garage.FormatCents(q.Totals.TTC), true)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 9)
	switch q.Status {
	case garage.QuoteAccepted:
		pdf.MultiCell(0, 5, tr("Bon pour accord : accepté en ligne le "+format.DateTime(q.AnsweredAt.In(hours.Paris()))+
			" par « "+q.AcceptedName+" ». Empreinte SHA-256 du contenu accepté : "+q.ContentHash), "", "L", false)
	default:
		pdf.MultiCell(0, 5, tr("Le devis signé avec la mention « bon pour accord » vaut contrat. Aucun travail supplémentaire "+
			"n'est effectué sans l'accord du client."), "", "L", false)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
