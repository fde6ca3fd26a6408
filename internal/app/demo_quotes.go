package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
)

// DemoQuoteToken is the personal link token of the demo's sent quote
// (/devis/{token}), so that the customer's page can be tried.
const DemoQuoteToken = "demo-devis-envoye-a-accepter-0001"

// seedDemoQuotes fills an empty price board (rates, forfaits, the quote
// policy), one quote request to price and a quote in each status. It does
// nothing when the board already has prices.
func seedDemoQuotes(ctx context.Context, s *store.Store, now time.Time) error {
	if h, err := s.PriceHistory(ctx, 1); err != nil || len(h) > 0 {
		return err
	}
	since := now.AddDate(0, -3, 0)
	items := []garage.PriceItem{
		{Kind: garage.PriceRate, Code: "t1", Label: "Mécanique T1 (entretien courant)", CentsTTC: 6600, Position: 1},
		{Kind: garage.PriceRate, Code: "t2", Label: "Mécanique T2 (réparation)", CentsTTC: 7200, Position: 2},
		{Kind: garage.PriceRate, Code: "t3", Label: "Mécanique T3 (diagnostic, électronique)", CentsTTC: 8400, Position: 3},
		{Kind: garage.PriceRate, Code: "carrosserie", Label: "Carrosserie", CentsTTC: 7800, Position: 4},
		{Kind: garage.PriceRate, Code: "peinture", Label: "Peinture", CentsTTC: 8200, Position: 5},
		{Kind: garage.PriceForfait, Code: "vidange", Label: "Vidange", Contents: "Huile moteur (jusqu'à 5 l), filtre à huile, contrôle des niveaux et des 20 points de sécurité", CentsTTC: 8900, Position: 1},
		{Kind: garage.PriceForfait, Code: "plaquettes", Label: "Plaquettes de frein avant", Contents: "Plaquettes d'origine ou équivalentes, main-d'œuvre, essai routier", CentsTTC: 12900, Position: 2},
		{Kind: garage.PriceForfait, Code: "climatisation", Label: "Recharge de climatisation", Contents: "Contrôle d'étanchéité, recharge de gaz, test de température", CentsTTC: 9900, Position: 3},
		{Kind: garage.PriceForfait, Code: "geometrie", Label: "Géométrie", Contents: "Contrôle et réglage du parallélisme sur banc", CentsTTC: 7900, Position: 4},
	}
	for i := range items {
		items[i].Active = true
		if err := s.SetPriceItem(ctx, &items[i], since, garage.Actor{}); err != nil {
			return err
		}
	}
	// The labour rate T2 went up a month ago: the history shows both prices.
	raise := items[1]
	raise.CentsTTC = 7500
	if err := s.SetPriceItem(ctx, &raise, now.AddDate(0, -1, 0), garage.Actor{}); err != nil {
		return err
	}
	if err := s.SetQuotePolicy(ctx, garage.DefaultQuotePolicy(), since, garage.Actor{}); err != nil {
		return err
	}

	req := &garage.Message{Kind: garage.LeadQuote, LastName: "Garcia", FirstName: "Inès", Email: "ines.garcia@exemple.fr",
		Phone: "06 45 67 89 01", Subject: "Demande de devis — Carrosserie",
		Body:    "Choc sur le pare-chocs arrière en stationnement, le feu gauche est fendu.",
		Details: garage.LeadDetails{Plate: "GH-452-KL", Make: "Renault", Model: "Captur", Year: 2020, Mileage: 48000}}
	if err := s.CreateLead(ctx, req, nil, now.Add(-3*time.Hour)); err != nil {
		return err
	}

	vat := int64(garage.DefaultVATBasisPoints)
	quote := func(name, email, plate, vehicle string, lines ...garage.QuoteLine) *garage.Quote {
		return &garage.Quote{Name: name, Email: email, Plate: plate, Vehicle: vehicle, VAT: vat, Lines: lines}
	}
	labour := func(code, label string, cents, hundredths int64) garage.QuoteLine {
		return garage.QuoteLine{Kind: garage.LineLabour, Code: code, Label: label, Quantity: hundredths, UnitCents: cents}
	}
	part := func(ref, label string, ht, qty int64) garage.QuoteLine {
		return garage.QuoteLine{Kind: garage.LinePart, Reference: ref, Label: label, Quantity: qty * 100, UnitCents: ht}
	}
	forfait := func(code, label string, cents int64) garage.QuoteLine {
		return garage.QuoteLine{Kind: garage.LineForfait, Code: code, Label: label, Quantity: 100, UnitCents: cents}
	}
	type demoQuote struct {
		q       *garage.Quote
		ago     int // days since it was made
		send    bool
		token   string
		answer  *garage.QuoteAnswer
		answerD int // days after sending
	}
	today := garage.DateOnlyParis(now)
	for _, d := range []demoQuote{
		{q: quote("Julien Petit", "julien.petit@exemple.fr", "FA-318-ZT", "Citroën C3",
			forfait("vidange", "Vidange", 8900), part("FA-C3", "Filtre à air", 1850, 1)), ago: 0},
		{q: quote("Sophie Lambert", "sophie.lambert@exemple.fr", "EK-907-PM", "Peugeot 308",
			labour("carrosserie", "Carrosserie : débosselage de la portière arrière droite", 7800, 250),
			labour("peinture", "Peinture : portière arrière droite", 8200, 300),
			part("PEINT-KTV", "Peinture et vernis (teinte KTV)", 6400, 1)), ago: 2, send: true, token: DemoQuoteToken},
		{q: quote("Marc Dubois", "marc.dubois@exemple.fr", "DX-114-RB", "Renault Clio",
			forfait("plaquettes", "Plaquettes de frein avant", 12900),
			part("DISQ-280", "Disques de frein avant (la paire)", 7490, 1),
			labour("t2", "Mécanique T2 : remplacement des disques", 7500, 80)), ago: 6, send: true, token: "demo-devis-accepte-0000000000002",
			answer: &garage.QuoteAnswer{Accept: true, Name: "Marc Dubois", IP: "192.0.2.44", Agent: "Mozilla/5.0 (démo)"}, answerD: 1},
		{q: quote("Nadia Benali", "nadia.benali@exemple.fr", "CL-662-VN", "Volkswagen Golf",
			labour("t3", "Mécanique T3 : diagnostic boîte de vitesses", 8400, 150),
			part("EMB-KIT", "Kit d'embrayage", 38900, 1)), ago: 12, send: true, token: "demo-devis-refuse-00000000000003",
			answer: &garage.QuoteAnswer{Reason: "Je fais réparer plus près de chez moi.", IP: "192.0.2.45", Agent: "Mozilla/5.0 (démo)"}, answerD: 3},
		{q: quote("Thomas Girard", "thomas.girard@exemple.fr", "BN-275-QS", "Toyota Yaris",
			forfait("climatisation", "Recharge de climatisation", 9900)), ago: 45, send: true, token: "demo-devis-expire-00000000000004"},
	} {
		made := now.AddDate(0, 0, -d.ago)
		d.q.ValidUntil = today.AddDate(0, 0, 30-d.ago)
		if err := s.CreateQuote(ctx, d.q, made, garage.Actor{}); err != nil {
			return err
		}
		if !d.send {
			continue
		}
		sum := sha256.Sum256([]byte(d.token))
		if _, err := s.SendQuote(ctx, d.q.ID, hex.EncodeToString(sum[:]), nil, made, garage.Actor{}); err != nil {
			return err
		}
		if d.answer != nil {
			if _, err := s.AnswerQuote(ctx, hex.EncodeToString(sum[:]), *d.answer, nil, made.AddDate(0, 0, d.answerD)); err != nil {
				return err
			}
		}
	}
	return nil
}
