package web

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestRetriedPublicFormsStoreOnce: a contact message or a review posted
// again (the same form: same stamp, same content) is stored once and gets
// the same success page; two identical posts at once store one row; another
// visitor sharing the stamp (the page cache makes one per second) with
// other content is stored. Both engines.
func TestRetriedPublicFormsStoreOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		for _, f := range []struct {
			path, thanks string
			form         func(string) url.Values
			stored       func() int
		}{
			{"/contact", "/contact/merci", func(body string) url.Values {
				v := validContact()
				v.Set("message", body)
				return v
			}, func() int { return len(e.messages(t)) }},
			{"/avis", "/avis/merci", func(body string) url.Values { return validReview(body) },
				func() int { return len(e.testimonials(t)) }},
		} {
			c := e.client()
			page := e.get(c, f.path)
			m := jetonRe.FindStringSubmatch(page.body)
			if m == nil {
				t.Fatalf("no stamp on %s", f.path)
			}
			e.clock.Advance(20 * time.Second)
			form := f.form("Bonjour, tout s'est très bien passé, merci à toute l'équipe du garage.")
			form.Set("jeton", m[1])
			before := f.stored()
			for i := range 2 {
				res := e.postForm(c, f.path, form)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != f.thanks {
					t.Fatalf("%s post %d: %d %s", f.path, i+1, res.StatusCode, res.Header.Get("Location"))
				}
			}
			if n := f.stored() - before; n != 1 {
				t.Fatalf("%s: %d rows for one form sent twice", f.path, n)
			}
			// Another visitor, same stamp, other words: a new submission.
			other := f.form("Accueil chaleureux et réparation rapide, je recommande ce garage.")
			other.Set("jeton", m[1])
			if res := e.postForm(e.client(), f.path, other); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s other visitor: %d", f.path, res.StatusCode)
			}
			// Two identical posts at once (a double click, a retry racing the first).
			twin := f.form("Deux envois en même temps ne doivent donner qu'un seul enregistrement.")
			twin.Set("jeton", m[1])
			var wg sync.WaitGroup
			codes := make([]int, 2)
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i], errs[i] = e.post(e.client(), f.path, twin)
				}()
			}
			wg.Wait()
			for i := range 2 {
				if errs[i] != nil || codes[i] != http.StatusSeeOther {
					t.Fatalf("%s concurrent post %d: %d %v", f.path, i+1, codes[i], errs[i])
				}
			}
			e.app.deferredWork.Wait()
			if n := f.stored() - before; n != 3 {
				t.Fatalf("%s: %d rows, want 3 (once, other visitor, one of the twins)", f.path, n)
			}
		}
		if n := len(e.outbox(t)); n != 3 {
			t.Fatalf("%d notification mails, want 3 (one per stored message)", n)
		}
	})
}
