package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func newLead(t *testing.T, s *store.Store, kind garage.LeadKind, at time.Time) *garage.Message {
	t.Helper()
	m := &garage.Message{LastName: "Durand", FirstName: "Paul", Email: "paul@exemple.fr", Subject: "s", Body: "Bonjour", Kind: kind}
	if err := s.CreateMessage(context.Background(), m, nil, at); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLeadKindsDetailsAndDeadline(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		week, err := s.OpeningHours(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pref := time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
		m := &garage.Message{LastName: "Durand", FirstName: "Paul", Email: "paul@exemple.fr", Subject: "Reprise", Body: "b",
			Kind: garage.LeadTradeIn, Details: garage.LeadDetails{PreferredAt: &pref, Plate: "AB-123-CD", Make: "Renault",
				Model: "Clio", Year: 2015, Mileage: 120000, Photos: []garage.LeadPhoto{{Key: "leads/x", Width: 10, Height: 8}}}}
		if err := s.CreateMessage(ctx, m, nil, t0); err != nil {
			t.Fatal(err)
		}
		got, err := s.MessageByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != garage.LeadTradeIn || got.Details.Plate != "AB-123-CD" || got.Details.Year != 2015 ||
			len(got.Details.Photos) != 1 || got.Details.Photos[0].Key != "leads/x" || !got.Details.PreferredAt.Equal(pref) {
			t.Fatalf("lead read back: %+v", got)
		}
		want := garage.ResponseDue(t0, garage.DefaultResponseHours, hours.Schedule{Week: week})
		if want.IsZero() != (got.DueAt == nil) || (got.DueAt != nil && !got.DueAt.Equal(want)) {
			t.Fatalf("due %v, want %v", got.DueAt, want)
		}
		// A plain message is of kind "message"; spam has no deadline.
		plain := newLead(t, s, "", t0)
		if plain.Kind != garage.LeadMessage {
			t.Fatalf("kind %q", plain.Kind)
		}
		spam := &garage.Message{LastName: "S", FirstName: "P", Email: "s@exemple.fr", Subject: "s", Body: "b", Status: garage.MessageSpam}
		if err := s.CreateMessage(ctx, spam, nil, t0); err != nil || spam.DueAt != nil {
			t.Fatalf("spam due %v %v", spam.DueAt, err)
		}

		// The owner's target: 4 by default, then what is set, audited.
		if n, err := s.LeadResponseHours(ctx); err != nil || n != garage.DefaultResponseHours {
			t.Fatalf("default target %d %v", n, err)
		}
		admin := newUser(t, s, "chef@exemple.fr", garage.RoleAdmin)
		by := garage.ActorOf(admin, "192.0.2.1")
		for _, n := range []int{8, 2} {
			if err := s.SetLeadResponseHours(ctx, n, t0, by); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := s.LeadResponseHours(ctx); n != 2 {
			t.Fatalf("target %d", n)
		}
		if err := s.SetLeadResponseHours(ctx, 0, t0, by); err == nil {
			t.Fatal("a target of 0 hours was stored")
		}
		later := newLead(t, s, garage.LeadTestDrive, t0)
		want = garage.ResponseDue(t0, 2, hours.Schedule{Week: week})
		if want.IsZero() != (later.DueAt == nil) || (later.DueAt != nil && !later.DueAt.Equal(want)) {
			t.Fatalf("due with a 2-hour target %v, want %v", later.DueAt, want)
		}
		if list, _ := s.ListAudit(ctx, "message.target", 10, 0); len(list) != 2 {
			t.Fatalf("%d audit rows for the target", len(list))
		}
	})
}

func TestLeadDeskLateFirstAssignReply(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// A garage open every day all day: the deadline is 4 hours after.
		var week hours.Week
		for i := range week {
			week[i] = hours.Day{Weekday: time.Weekday((i + 1) % 7), Ranges: []hours.Range{{Open: 0, Close: hours.MinutesPerDay}}}
		}
		if err := s.SaveOpeningHours(ctx, week, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		old := newLead(t, s, garage.LeadTestDrive, t0)
		older := newLead(t, s, garage.LeadFinancing, t0.Add(-time.Hour))
		fresh := newLead(t, s, garage.LeadMessage, t0.Add(3*time.Hour))
		now := t0.Add(5 * time.Hour)
		if n, err := s.CountLateLeads(ctx, now); err != nil || n != 2 {
			t.Fatalf("late %d %v", n, err)
		}
		list, err := s.ListLeads(ctx, store.LeadFilter{}, now, 10, 0)
		if err != nil || len(list) != 3 || list[0].ID != older.ID || list[1].ID != old.ID || list[2].ID != fresh.ID {
			t.Fatalf("order %v %v", ids(list), err)
		}
		if list, _ := s.ListLeads(ctx, store.LeadFilter{Kind: garage.LeadTestDrive}, now, 10, 0); len(list) != 1 || list[0].ID != old.ID {
			t.Fatalf("kind filter %v", ids(list))
		}

		// Assigning: to an active staff member, audited; a disabled one is refused.
		emp := newUser(t, s, "emp@exemple.fr", garage.RoleEmployee)
		admin := newUser(t, s, "chef@exemple.fr", garage.RoleAdmin)
		by := garage.ActorOf(admin, "192.0.2.1")
		if _, err := s.AssignMessage(ctx, old.ID, &emp.ID, now, by); err != nil {
			t.Fatal(err)
		}
		got, _ := s.MessageByID(ctx, old.ID)
		if got.AssigneeID == nil || *got.AssigneeID != emp.ID || got.AssigneeName != "Léa Martin" {
			t.Fatalf("assignee %v %q", got.AssigneeID, got.AssigneeName)
		}
		if mine, _ := s.ListLeads(ctx, store.LeadFilter{AssigneeID: emp.ID}, now, 10, 0); len(mine) != 1 || mine[0].ID != old.ID {
			t.Fatalf("mine %v", ids(mine))
		}
		if err := s.SetUserActive(ctx, emp.ID, false, now, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AssignMessage(ctx, fresh.ID, &emp.ID, now, by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("assign to a disabled account: %v", err)
		}
		if _, err := s.AssignMessage(ctx, old.ID, nil, now, by); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListAudit(ctx, "message.assign", 10, 0); len(list) != 2 {
			t.Fatalf("%d assign audit rows", len(list))
		}

		// Replying: the reply is kept, the mail queued, the first answer recorded, the lead no longer late.
		r := &garage.LeadReply{AuthorID: &admin.ID, Author: "Léa Martin", Body: "Bonjour, c'est noté."}
		err = s.ReplyToMessage(ctx, old.ID, r, func(m *garage.Message, r *garage.LeadReply) (*garage.OutboxMail, error) {
			return &garage.OutboxMail{Kind: "lead.reply", To: m.Email, Subject: "Re: " + m.Subject, Text: r.Body}, nil
		}, now, by)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.MessageByID(ctx, old.ID)
		if got.FirstAnswerAt == nil || !got.FirstAnswerAt.Equal(now) || got.Status != garage.MessageInProgress || got.Late(now) {
			t.Fatalf("after reply %+v", got)
		}
		if n, _ := s.CountLateLeads(ctx, now); n != 1 {
			t.Fatalf("late after reply %d", n)
		}
		if mails, _ := s.ListOutbox(ctx, 10); len(mails) != 1 || mails[0].To != "paul@exemple.fr" {
			t.Fatalf("outbox %v", mails)
		}
		// A failing mail keeps no reply and records no answer.
		err = s.ReplyToMessage(ctx, older.ID, &garage.LeadReply{Author: "x", Body: "y"},
			func(*garage.Message, *garage.LeadReply) (*garage.OutboxMail, error) { return nil, errors.New("boom") }, now, by)
		if err == nil {
			t.Fatal("no error")
		}
		if got, _ := s.MessageByID(ctx, older.ID); got.FirstAnswerAt != nil {
			t.Fatal("answer recorded without its mail")
		}
		// A second reply keeps the first answer's time.
		if err := s.ReplyToMessage(ctx, old.ID, &garage.LeadReply{Author: "Léa Martin", Body: "Encore"}, nil, now.Add(time.Hour), by); err != nil {
			t.Fatal(err)
		}
		replies, err := s.MessageReplies(ctx, old.ID)
		if err != nil || len(replies) != 2 || replies[0].Body != "Bonjour, c'est noté." || *replies[0].AuthorID != admin.ID {
			t.Fatalf("replies %v %v", replies, err)
		}
		if got, _ := s.MessageByID(ctx, old.ID); !got.FirstAnswerAt.Equal(now) {
			t.Fatalf("first answer moved to %v", got.FirstAnswerAt)
		}
		times, err := s.FirstAnswerTimes(ctx, t0.Add(-24*time.Hour))
		if err != nil || len(times) != 1 || times[0] != 5*time.Hour {
			t.Fatalf("answer times %v %v", times, err)
		}
		if err := s.ReplyToMessage(ctx, 999999, &garage.LeadReply{Author: "x", Body: "y"}, nil, now, by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("reply to unknown lead: %v", err)
		}
		// Retention deletes the replies with their lead.
		if _, err := s.DeleteMessagesUpdatedBefore(ctx, now.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if replies, _ := s.MessageReplies(ctx, old.ID); len(replies) != 0 {
			t.Fatalf("%d replies outlived their lead", len(replies))
		}
	})
}

// Concurrent replies: every reply is kept and mailed, and the first answer
// is the earliest reply's, once.
func TestLeadConcurrentReplies(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newLead(t, s, garage.LeadTestDrive, t0)
		const n = 6
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- s.ReplyToMessage(ctx, m.ID, &garage.LeadReply{Author: "A", Body: "r"},
					func(m *garage.Message, r *garage.LeadReply) (*garage.OutboxMail, error) {
						return &garage.OutboxMail{Kind: "lead.reply", To: m.Email, Subject: "s", Text: "t"}, nil
					}, t0.Add(time.Duration(i+1)*time.Minute), garage.Actor{})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		replies, _ := s.MessageReplies(ctx, m.ID)
		mails, _ := s.ListOutbox(ctx, 100)
		got, _ := s.MessageByID(ctx, m.ID)
		if len(replies) != n || len(mails) != n || got.FirstAnswerAt == nil {
			t.Fatalf("%d replies, %d mails, first answer %v", len(replies), len(mails), got.FirstAnswerAt)
		}
		// The first transaction to commit sets it: it is one of the replies' times.
		found := false
		for _, r := range replies {
			found = found || r.CreatedAt.Equal(*got.FirstAnswerAt)
		}
		if !found {
			t.Fatalf("first answer %v is no reply's time", got.FirstAnswerAt)
		}
	})
}

func ids(list []*garage.Message) []int64 {
	out := make([]int64, len(list))
	for i, m := range list {
		out[i] = m.ID
	}
	return out
}
