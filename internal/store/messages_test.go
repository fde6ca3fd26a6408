package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestMessagesAndTheirNotificationAreStoredTogether(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		car := int64(7)
		m := &garage.Message{LastName: "Dupré", FirstName: "Hélène", Email: "h@exemple.fr", Subject: "208", Body: "Bonjour", CarID: &car}
		err := s.CreateMessage(ctx, m, func(m *garage.Message) (*garage.OutboxMail, error) {
			return &garage.OutboxMail{Kind: "contact.notify", To: "garage@exemple.fr", Subject: "Message " + strconv.FormatInt(m.ID, 10), Text: "t"}, nil
		}, t0)
		if err != nil {
			t.Fatal(err)
		}
		mails, _ := s.ListOutbox(ctx, 10)
		if len(mails) != 1 || mails[0].Subject != "Message "+strconv.FormatInt(m.ID, 10) {
			t.Fatalf("outbox %v", mails)
		}
		got, err := s.MessageByID(ctx, m.ID)
		if err != nil || got.CarID == nil || *got.CarID != 7 || got.Status != garage.MessageNew || got.ReadAt != nil {
			t.Fatalf("%+v %v", got, err)
		}

		// A failure while queueing the mail keeps neither.
		cctx, cancel := context.WithCancel(ctx)
		err = s.CreateMessage(cctx, &garage.Message{LastName: "X", FirstName: "Y", Email: "x@exemple.fr", Subject: "s", Body: "b"},
			func(*garage.Message) (*garage.OutboxMail, error) {
				cancel()
				return &garage.OutboxMail{To: "g@exemple.fr", Subject: "s", Text: "t"}, nil
			}, t0)
		if err == nil {
			t.Fatal("no error from a failed transaction")
		}
		if list, _ := s.ListMessages(ctx, "", 10, 0); len(list) != 1 {
			t.Fatalf("%d messages after a failed transaction", len(list))
		}
		if mails, _ := s.ListOutbox(ctx, 10); len(mails) != 1 {
			t.Fatalf("%d mails after a failed transaction", len(mails))
		}

		// Statuses, counters, the open filter.
		spam := &garage.Message{LastName: "S", FirstName: "P", Email: "s@exemple.fr", Subject: "s", Body: "b", Status: garage.MessageSpam}
		if err := s.CreateMessage(ctx, spam, nil, t0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountUnreadMessages(ctx); n != 1 {
			t.Fatalf("unread %d", n)
		}
		if err := s.MarkMessageRead(ctx, m.ID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountUnreadMessages(ctx); n != 0 {
			t.Fatalf("unread after reading %d", n)
		}
		before, err := s.UpdateMessage(ctx, m.ID, garage.MessageDone, "Vendue", t0.Add(time.Hour), garage.Actor{})
		// A new message opened is in progress (the lead desk).
		if err != nil || before.Status != garage.MessageInProgress || before.Note != "" {
			t.Fatalf("before %+v %v", before, err)
		}
		if _, err := s.UpdateMessage(ctx, 999999, garage.MessageDone, "", t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown message: %v", err)
		}
		counts, _ := s.CountMessagesByStatus(ctx)
		if counts[garage.MessageDone] != 1 || counts[garage.MessageSpam] != 1 || counts[garage.MessageNew] != 0 {
			t.Fatalf("counts %v", counts)
		}
		if open, _ := s.ListMessages(ctx, garage.MessagesOpen, 10, 0); len(open) != 0 {
			t.Fatalf("open %d", len(open))
		}
		if all, _ := s.ListMessages(ctx, "", 10, 0); len(all) != 2 || all[0].ID != spam.ID {
			t.Fatalf("all %d", len(all))
		}
	})
}
