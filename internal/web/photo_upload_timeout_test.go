package web

import (
	"bytes"
	"context"
	"image/color"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
)

// slowPuts is a photo store whose writes only start once a given time has passed.
type slowPuts struct {
	photostore.Store
	notBefore time.Time
}

func (s *slowPuts) Put(ctx context.Context, key string, data []byte, contentType string) error {
	time.Sleep(time.Until(s.notBefore))
	return s.Store.Put(ctx, key, data, contentType)
}

// Issue 21: twelve large photos were processed as they were read, so the work outlived the server's read
// timeout, whose expiry cancels the request: the staff got an empty page. The body is now read within the
// timeout and the work after it does not count against it: an upload whose processing and storing end
// well past the read timeout still gets its French answer, and the photos are stored.
func TestPhotoUploadOutlivesTheReadTimeout(t *testing.T) {
	e := newEnv(t, store.SQLite)
	emp := e.loggedIn(employeeEmail, employeePass)
	id := e.createCar(emp, validCarForm())
	const readTimeout = 2 * time.Second
	srv := httptest.NewUnstartedServer(e.server.Config.Handler)
	srv.Config.ReadTimeout = readTimeout
	srv.Config.WriteTimeout = readTimeout
	srv.Start()
	t.Cleanup(srv.Close)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, name := range []string{"a.jpg", "b.jpg", "c.jpg"} {
		w, _ := mw.CreateFormFile("photos", name)
		_, _ = w.Write(testJPEG(t, 800, 600, color.RGBA{200, 30, 30, 255}))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/voitures/"+itoa(int(id))+"/photos", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", srv.URL)
	// The photos are stored only once both timeouts have passed since the request began.
	e.app.photos = &slowPuts{Store: e.app.photos, notBefore: time.Now().Add(readTimeout + 300*time.Millisecond)}
	emp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := emp.Do(req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303:\n%s", res.StatusCode, page)
	}
	if n, err := e.store.CarPhotoCount(context.Background(), id); err != nil || n != 3 {
		t.Fatalf("%d photos stored (%v), want 3", n, err)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Fatalf("errors logged:\n%s", e.logs.String())
	}
}
