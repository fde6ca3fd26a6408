package web

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// SendAlertDigests queues the digest of every confirmed search alert that is
// due at now (never sent, or last sent garage.AlertDigestEvery ago) and has
// news: cars that match its query, published after its last digest (or its
// confirmation), and matching cars whose price dropped since. An alert
// without news waits. siteURL prefixes the links (PUBLIC_URL). It returns
// how many digests were queued; the mail worker sends them. Two instances
// running it at once queue one digest per alert (store.RecordAlertDigest).
// `garage serve` runs it every few minutes (internal/app).
func SendAlertDigests(ctx context.Context, s *store.Store, siteURL string, now time.Time) (sent int, err error) {
	alerts, err := s.DueAlerts(ctx, now)
	if err != nil || len(alerts) == 0 {
		return 0, err
	}
	name := garage.DefaultName
	if g, err := s.GarageDetails(ctx); err == nil {
		name = g.DisplayName()
	}
	var errs []error
	for _, al := range alerts {
		ok, err := sendAlertDigest(ctx, s, al, siteURL, name, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

func sendAlertDigest(ctx context.Context, s *store.Store, al *garage.SearchAlert, siteURL, garageName string, now time.Time) (bool, error) {
	q, err := url.ParseQuery(al.Query)
	if err != nil {
		q = url.Values{}
	}
	f, _, bad := parseCarQuery(q)
	if bad != nil { // stored normalised, so never; an alert for every car rather than none
		f, _, _ = parseCarQuery(url.Values{})
	}
	f.Sort, f.Offset, f.Limit, f.NoCount = garage.SortNewest, 0, garage.AlertDigestMaxCars+1, true
	fresh, _, err := s.ListCars(ctx, f)
	if err != nil {
		return false, err
	}
	var cars []views.AlertDigestCar
	seen := map[int64]bool{}
	for _, c := range fresh {
		if c.PublishedAt.After(al.SeenUntil) {
			cars = append(cars, views.AlertDigestCar{Car: c, URL: siteURL + views.CarPath(c)})
			seen[c.ID] = true
		}
	}
	drops, err := s.PriceDropsSince(ctx, al.SeenUntil)
	if err != nil {
		return false, err
	}
	if len(drops) > 0 {
		f.IDs = make([]int64, 0, len(drops))
		for id := range drops {
			if !seen[id] {
				f.IDs = append(f.IDs, id)
			}
		}
		cheaper, _, err := s.ListCars(ctx, f)
		if err != nil {
			return false, err
		}
		for _, c := range cheaper {
			cars = append(cars, views.AlertDigestCar{Car: c, URL: siteURL + views.CarPath(c), OldPrice: drops[c.ID].OldPrice})
		}
	}
	if len(cars) == 0 {
		return false, nil
	}
	m := views.AlertDigestMail{Alert: al, Garage: garageName, SearchURL: siteURL + views.AlertSearchPath(al.Query)}
	if len(cars) > garage.AlertDigestMaxCars {
		cars, m.More = cars[:garage.AlertDigestMaxCars], true
	}
	m.Cars = cars
	token, hash, err := newToken()
	if err != nil {
		return false, err
	}
	m.ManageURL = siteURL + views.AlertPath(token)
	m.Unsubscribe = siteURL + views.AlertPath(token, "desabonner")
	mail, err := views.RenderMail(ctx, m)
	if err != nil {
		return false, err
	}
	return s.RecordAlertDigest(ctx, al, hash, mail, now)
}
