package app

import (
	"context"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
)

// seedDemoLeads fills the lead desk of an empty demo with leads of each
// kind: some late, some answered, one assigned. It does nothing when the
// desk already has leads, or when no car is published.
func seedDemoLeads(ctx context.Context, s *store.Store, now time.Time) error {
	counts, err := s.CountMessagesByStatus(ctx)
	if err != nil {
		return err
	}
	for _, n := range counts {
		if n > 0 {
			return nil
		}
	}
	cars, _, err := s.ListCars(ctx, garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, Limit: 4, NoCount: true})
	if err != nil || len(cars) == 0 {
		return err
	}
	carOf := func(i int) *garage.Car { return cars[i%len(cars)] }
	var owner *int64
	if u, err := s.UserByEmail(ctx, demoAdminEmail); err == nil {
		owner = &u.ID
	}
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	when := at(-26 * time.Hour).UTC() // a test drive asked for tomorrow
	when = time.Date(when.Year(), when.Month(), when.Day(), 14, 30, 0, 0, time.UTC)
	for _, d := range []struct {
		kind     garage.LeadKind
		car      int
		first    string
		last     string
		email    string
		body     string
		details  garage.LeadDetails
		received time.Duration // how long ago
		answer   string        // a reply sent 2 hours after it arrived, or none
		assign   bool
		status   garage.MessageStatus
	}{
		{garage.LeadTestDrive, 0, "Camille", "Roux", "camille.roux@exemple.fr", "Je peux venir en fin de journée.",
			garage.LeadDetails{PreferredAt: &when}, 50 * time.Hour, "", true, ""},
		{garage.LeadTradeIn, 1, "Marc", "Lefèvre", "marc.lefevre@exemple.fr", "Distribution faite à 90 000 km.",
			garage.LeadDetails{Plate: "FG-482-KL", Make: "Peugeot", Model: "308", Year: 2017, Mileage: 112000, Condition: "bon"},
			30 * time.Hour, "Bonjour, merci pour votre proposition : nous pouvons estimer votre 308 sur place, passez quand vous voulez.", false, ""},
		{garage.LeadFinancing, 2, "Inès", "Benali", "ines.benali@exemple.fr", "",
			garage.LeadDetails{Contribution: 3000, Months: 48}, 40 * time.Minute, "", false, ""},
		{garage.LeadMessage, 3, "Hugo", "Faure", "hugo.faure@exemple.fr", "Le prix est-il négociable ?",
			garage.LeadDetails{}, 75 * time.Hour, "", false, ""},
		{garage.LeadTestDrive, 1, "Sophie", "Marchand", "sophie.marchand@exemple.fr", "",
			garage.LeadDetails{PreferredAt: &when}, 6 * 24 * time.Hour, "C'est noté, nous vous attendons. Pensez à votre permis de conduire.", true, garage.MessageDone},
	} {
		c := carOf(d.car)
		m := &garage.Message{Kind: d.kind, FirstName: d.first, LastName: d.last, Email: d.email, Phone: "06 12 34 56 78",
			Subject: d.kind.Subject(c.DisplayTitle()), Body: d.body, CarID: &c.ID, Details: d.details}
		if d.kind == garage.LeadMessage {
			m.Subject = "Annonce n° " + strconv.FormatInt(c.ID, 10) + " — " + c.DisplayTitle()
		}
		if err := s.CreateLead(ctx, m, nil, at(d.received)); err != nil {
			return err
		}
		if d.assign && owner != nil {
			if _, err := s.AssignMessage(ctx, m.ID, owner, at(d.received-time.Hour), garage.Actor{}); err != nil {
				return err
			}
		}
		if d.answer != "" {
			r := &garage.LeadReply{AuthorID: owner, Author: "Vincent Parrot", Body: d.answer}
			if err := s.ReplyToMessage(ctx, m.ID, r, nil, at(d.received-2*time.Hour), garage.Actor{}); err != nil {
				return err
			}
		}
		if d.status != "" {
			if _, err := s.UpdateMessage(ctx, m.ID, d.status, "", at(d.received-3*time.Hour), garage.Actor{}); err != nil {
				return err
			}
		}
	}
	return nil
}
