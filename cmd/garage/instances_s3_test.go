package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/photostore/s3test"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

// TestTwoInstancesShareS3Photos: two `garage serve` processes, each with its own DATA_DIR, share one
// database (PostgreSQL when GARAGE_TEST_POSTGRES_URL is set, else one SQLite file) and one S3 bucket
// (versitygw). An employee uploads a photo on instance A; a visitor gets the car page and every size of
// the photo from instance B, byte for byte what A stored. A third instance with PHOTO_PUBLIC_BASE_URL
// links the bucket itself, and its CSP allows that origin for images.
func TestTwoInstancesShareS3Photos(t *testing.T) {
	engine := store.SQLite
	if len(storetest.Engines()) > 1 {
		engine = store.Postgres
	}
	dbURL := storetest.URL(t, engine)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	env := func(extra map[string]string) map[string]string {
		e := srv.Env(bucket)
		for k, v := range map[string]string{"DATABASE_URL": dbURL, "DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0",
			"METRICS_ADDR": "off", "LOG_FORMAT": "json"} {
			e[k] = v
		}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	mustRunBinary(t, env(nil), "", "db", "upgrade")
	mustRunBinary(t, env(nil), "", "init-roles")

	// An employee account and a published car, straight in the database.
	ctx := context.Background()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const employeeEmail, employeePass = "lea@garage-parrot.test", "Pneus-Neige-Toulouse-31"
	hash, err := password.NewHasher(password.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, 1).Hash(ctx, employeePass)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &garage.User{Email: employeeEmail, PasswordHash: hash, FirstName: "Léa", LastName: "Martin", Role: garage.RoleEmployee, Active: true}, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &garage.Car{Make: "Renault", Model: "Clio", Version: "V TCe 90", Price: 15490, RegYear: 2022, RegMonth: 5, Mileage: 21000,
		Fuel: "essence", Gearbox: "manuelle", CritAir: "1", Colour: "Blanc", Status: garage.CarPublished, PublishedAt: now.Add(-time.Hour)}
	if err := s.CreateCar(ctx, c, nil, now.Add(-time.Hour), garage.Actor{}); err != nil {
		t.Fatal(err)
	}

	var origins []string
	for _, extra := range []map[string]string{nil, nil, {"PHOTO_PUBLIC_BASE_URL": srv.Endpoint + "/" + bucket}} {
		p := startBinary(t, env(extra), "serve")
		addr, _ := p.waitLog(t, "listening", 30*time.Second)["addr"].(string)
		origins = append(origins, "http://"+addr)
	}
	a, b, public := origins[0], origins[1], origins[2]

	// The employee logs in on A and uploads a photo there.
	jar, _ := cookiejar.New(nil)
	emp := &http.Client{Jar: jar, Timeout: 2 * time.Minute} // argon2id and the photo variants are slow under -race on a busy machine
	res, _ := postFrom(t, emp, a, "/connexion", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"email": {employeeEmail}, "password": {employeePass}}.Encode()))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/admin") {
		t.Fatalf("login on A: %d %s", res.StatusCode, res.Request.URL)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photos", "clio.jpg")
	fw.Write(testJPEG(t))
	mw.Close()
	res, page := postFrom(t, emp, a, "/admin/voitures/"+itoa(c.ID)+"/photos", mw.FormDataContentType(), &body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload on A: %d\n%.500s", res.StatusCode, page)
	}
	photos, err := s.CarPhotos(ctx, c.ID)
	if err != nil || len(photos) != 1 {
		t.Fatalf("photos: %v %v", photos, err)
	}
	key := photos[0].Key

	// A visitor on B: the car page links the photo, and every size comes from the bucket through B.
	visitor := &http.Client{Timeout: time.Minute}
	res, page = fetch(t, visitor, http.MethodGet, b+views.CarPath(c), nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `src="/photos/`+key+`-gallery.jpg"`) {
		t.Fatalf("car page on B: %d, no link to %s", res.StatusCode, key)
	}
	for _, size := range []string{"thumb", "card", "gallery", "large"} {
		vk := photostore.VariantKey(key, size)
		obj, err := srv.Client().GetObject(ctx, bucket, vk, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || len(stored) == 0 {
			t.Fatalf("%s in the bucket: %d bytes, %v", vk, len(stored), err)
		}
		fromA := get(t, visitor, a+"/photos/"+vk)
		fromB := get(t, visitor, b+"/photos/"+vk)
		if !bytes.Equal(fromB, stored) || !bytes.Equal(fromA, stored) {
			t.Errorf("%s: B served %d bytes, A %d, the bucket holds %d", vk, len(fromB), len(fromA), len(stored))
		}
	}

	// The instance with PHOTO_PUBLIC_BASE_URL links the bucket, and its CSP allows it for images only.
	res, page = fetch(t, visitor, http.MethodGet, public+views.CarPath(c), nil, nil)
	bucketURL := srv.Endpoint + "/" + bucket + "/" + key + "-gallery.jpg"
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `src="`+bucketURL+`"`) || strings.Contains(page, `src="/photos/`) {
		t.Fatalf("car page with PHOTO_PUBLIC_BASE_URL: %d, no link to %s", res.StatusCode, bucketURL)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !regexp.MustCompile(`(^|; )img-src 'self' data: `+regexp.QuoteMeta(srv.Endpoint)+`(;|$)`).MatchString(csp) ||
		strings.Count(csp, srv.Endpoint) != 1 {
		t.Errorf("CSP %q does not allow exactly the bucket's origin for images", csp)
	}
	// A public bucket answers that link itself, with the same bytes and the year-long caching.
	srv.MakePublic(t, bucket)
	res, direct := fetch(t, visitor, http.MethodGet, bucketURL, nil, nil)
	if res.StatusCode != http.StatusOK || direct != string(get(t, visitor, b+"/photos/"+key+"-gallery.jpg")) ||
		res.Header.Get("Cache-Control") != photostore.CacheControl || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("the bucket URL: %d, %d bytes, Cache-Control %q, Content-Type %q", res.StatusCode, len(direct),
			res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
}

// postFrom posts as a browser on origin does (the Origin header), following the redirect.
func postFrom(t *testing.T, c *http.Client, origin, path, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	return fetch(t, c, http.MethodPost, origin+path, body, http.Header{"Content-Type": {contentType}, "Origin": {origin}})
}

func get(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	res, body := fetch(t, c, http.MethodGet, u, nil, nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET %s: %d %q", u, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return []byte(body)
}

func testJPEG(t *testing.T) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			m.Set(x, y, color.RGBA{uint8(x / 7), uint8(y / 5), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
