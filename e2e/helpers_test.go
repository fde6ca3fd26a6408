package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// disableJS turns off the page's scripts in this tab, like a visitor whose
// browser has JavaScript disabled.
func (b *browser) disableJS(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
}

// back presses the browser's Back button. Unlike chromedp.NavigateBack it
// does not wait for a page load, which never comes when the previous entry
// belongs to the same document (history.pushState).
func (b *browser) back(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if h.CurrentIndex <= 0 {
		t.Fatalf("no previous history entry (index %d)", h.CurrentIndex)
	}
	if _, err := chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID}); err != nil {
		t.Fatalf("back: %v", err)
	}
}

// waitJS waits until the JavaScript expression is truthy in the page.
func (b *browser) waitJS(t *testing.T, expr string) {
	t.Helper()
	b.do(t, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// markPage marks the current document, so that waitNewPage can tell the
// page an action loads from the one it leaves.
func (b *browser) markPage(t *testing.T) {
	t.Helper()
	_ = eval[bool](t, b, `window.__e2eLeft = true`)
}

// waitNewPage waits until a document loaded after markPage is complete and
// cond (a JavaScript expression) holds in it. Evaluations that fail while
// the old page is torn down are retried.
func (b *browser) waitNewPage(t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__e2eLeft && document.readyState === "complete" && !!(`+cond+`)`))
		cancel()
		if err == nil && ok {
			b.check(t)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new page where %s within 30 s (last error: %v)", cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the first element matching css contains want.
func (b *browser) waitText(t *testing.T, css, want string) {
	t.Helper()
	b.waitJS(t, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.textContent.includes(%s); })()`, jsString(css), jsString(want)))
}

// text returns the text content of the first element matching css, with
// its white space collapsed (CSS such as text-transform does not apply).
func (b *browser) text(t *testing.T, css string) string {
	t.Helper()
	return strings.Join(strings.Fields(get(t, b, chromedp.TextContent(chromedp.CSS(css)))), " ")
}

// eval evaluates a JavaScript expression (DevTools evaluation, not subject
// to the page's CSP) and decodes its result.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	return get(t, b, chromedp.Evaluate[T](expr))
}

// location is the page's current URL.
func (b *browser) location(t *testing.T) string {
	t.Helper()
	return get(t, b, chromedp.Location())
}

// login signs in through /connexion with the keyboard only: type the
// e-mail, Tab to the password, Enter to send.
func (b *browser) login(t *testing.T, s *site, email, pw string) {
	t.Helper()
	b.do(t,
		chromedp.Navigate(s.URL+"/connexion"),
		chromedp.Focus(chromedp.ID("email")),
		chromedp.KeyEvent(email),
		chromedp.KeyEvent(kb.Tab),
	)
	if id := eval[string](t, b, `document.activeElement.id`); id != "password" {
		t.Fatalf("Tab from the e-mail field went to %q, not the password", id)
	}
	b.do(t,
		chromedp.KeyEvent(pw),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".admin-main h1")),
	)
}

// logout leaves the back office with the header button.
func (b *browser) logout(t *testing.T) {
	t.Helper()
	b.do(t,
		activate(".logout-form button"),
		chromedp.WaitVisible(chromedp.CSS(".hero")),
	)
}

// activate focuses the link or button and presses Enter, as a keyboard
// user does; unlike a mouse click at computed coordinates, a layout shift
// while the page settles cannot make it miss.
func activate(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(chromedp.CSS(css)), chromedp.KeyEvent(kb.Enter))
}

// tick focuses the checkbox and presses Space, for the same reason.
func tick(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(chromedp.CSS(css)), chromedp.KeyEvent(" "))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// writeJPEGs writes n small distinct JPEG photos and returns their paths.
func writeJPEGs(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range n {
		img := image.NewRGBA(image.Rect(0, 0, 800, 600))
		for y := range 600 {
			for x := range 800 {
				img.Set(x, y, color.RGBA{uint8(60 * i), uint8(x / 4), uint8(y / 3), 255})
			}
		}
		p := filepath.Join(dir, fmt.Sprintf("voiture-%d.jpg", i+1))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 80}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}
