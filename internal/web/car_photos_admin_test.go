package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

type upload struct {
	name string
	data []byte
}

// postPhotos posts files as the browser's multipart form does.
func (e *env) postPhotos(c *http.Client, path, origin string, files ...upload) *response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		w, err := mw.CreateFormFile("photos", f.name)
		if err != nil {
			e.t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.server.URL+path, &body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", origin)
	return e.do(c, req)
}

func testJPEG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG header announcing 50 000 × 50 000 pixels.
func pngBomb() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0}, 64))
	return b.Bytes()
}

// withEXIF inserts an APP1 EXIF segment (a little-endian TIFF header with
// a GPS note in it) right after the JPEG's SOI marker.
func withEXIF(jpg []byte) []byte {
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"), []byte("GPS 43.6047 N 1.4442 E")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func (e *env) storedPhotoFiles() []string {
	e.t.Helper()
	keys, err := e.app.photos.List(context.Background(), "cars")
	if err != nil {
		e.t.Fatal(err)
	}
	return keys
}

func TestAdminCarPhotos(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			forEachPhotoStore(t, func(t *testing.T, storeOpt envOption) {
				e := newEnv(t, engine, storeOpt)
				ctx := context.Background()
				emp := e.loggedIn(employeeEmail, employeePass)
				id := e.createCar(emp, validCarForm())
				path := "/admin/voitures/" + itoa(int(id)) + "/photos"
				good := testJPEG(t, 800, 600, color.RGBA{200, 30, 40, 255})

				// Hostile files, alone or next to a good one: refused in French, nothing stored.
				truncated := good[:len(good)/2]
				hostile := []struct {
					name   string
					file   upload
					status int
				}{
					{"text renamed .jpg", upload{"voiture.jpg", []byte("ceci n'est pas une photo")}, http.StatusUnsupportedMediaType},
					{"HTML", upload{"page.jpg", []byte("<!DOCTYPE html><script>alert(1)</script>")}, http.StatusUnsupportedMediaType},
					{"SVG", upload{"dessin.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}, http.StatusUnsupportedMediaType},
					{"truncated JPEG", upload{"coupee.jpg", truncated}, http.StatusUnprocessableEntity},
					{"PNG bomb", upload{"bombe.png", pngBomb()}, http.StatusUnprocessableEntity},
					{"polyglot", upload{"poly.jpg", append([]byte("GIF89a<script>alert(1)</script>"), good...)}, http.StatusUnsupportedMediaType},
					{"too big", upload{"enorme.jpg", make([]byte, 15<<20+10)}, http.StatusRequestEntityTooLarge},
				}
				for _, h := range hostile {
					for _, files := range [][]upload{{h.file}, {{"ok.jpg", good}, h.file}} {
						res := e.postPhotos(emp, path, e.server.URL, files...)
						if res.StatusCode != h.status || !strings.Contains(res.body, `id="photos-erreur"`) {
							t.Errorf("%s (%d files): %d, want %d", h.name, len(files), res.StatusCode, h.status)
						}
					}
				}
				if n, _ := e.store.CarPhotoCount(ctx, id); n != 0 || len(e.storedPhotoFiles()) != 0 {
					t.Fatalf("refused uploads left %d rows and files %v", n, e.storedPhotoFiles())
				}
				if res := e.postPhotos(emp, path, e.server.URL); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "au moins une photo") {
					t.Errorf("empty upload: %d", res.StatusCode)
				}

				// Nobody else may upload.
				if res := e.postPhotos(e.client(), path, e.server.URL, upload{"a.jpg", good}); res.StatusCode != http.StatusUnauthorized {
					t.Errorf("anonymous upload: %d", res.StatusCode)
				}
				if res := e.postPhotos(emp, path, "https://evil.example", upload{"a.jpg", good}); res.StatusCode != http.StatusForbidden {
					t.Errorf("cross-origin upload: %d", res.StatusCode)
				}

				// Three photos at once, with path-like names that are ignored; the
				// first carries EXIF with GPS data, which must not be stored.
				res := e.postPhotos(emp, path, e.server.URL,
					upload{"../../etc/passwd.jpg", withEXIF(good)},
					upload{"C:\\photo 2.png", testPNG(t, 640, 480)},
					upload{"trois.jpg", testJPEG(t, 400, 1200, color.RGBA{20, 20, 200, 255})})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("upload: %d %s", res.StatusCode, res.body)
				}
				photos, err := e.store.CarPhotos(ctx, id)
				if err != nil || len(photos) != 3 {
					t.Fatalf("photos: %v %v", photos, err)
				}
				if files := e.storedPhotoFiles(); len(files) != 12 {
					t.Fatalf("stored files: %v", files)
				}
				for _, p := range photos {
					if strings.Contains(p.Key, "passwd") || strings.Contains(p.Key, "photo") || !strings.HasPrefix(p.Key, "cars/") {
						t.Errorf("key %q comes from the file name", p.Key)
					}
				}
				if photos[2].Width != 400 || photos[2].Height != 1200 {
					t.Errorf("dimensions %dx%d", photos[2].Width, photos[2].Height)
				}
				img := e.get(e.client(), "/photos/"+photos[0].Key+"-card.jpg")
				if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/jpeg" {
					t.Fatalf("served photo: %d %q", img.StatusCode, img.Header.Get("Content-Type"))
				}
				if cfg, err := jpeg.DecodeConfig(strings.NewReader(img.body)); err != nil || cfg.Width != 640 {
					t.Fatalf("card variant: %+v %v", cfg, err)
				}

				for _, size := range []string{"thumb", "card", "gallery", "large"} {
					body := e.get(e.client(), "/photos/"+photos[0].Key+"-"+size+".jpg").body
					if strings.Contains(body, "Exif") || strings.Contains(body, "GPS") || strings.Contains(body, "43.6047") {
						t.Errorf("%s variant kept the EXIF/GPS data", size)
					}
				}

				// Reorder with buttons, choose the main one, delete one.
				act := func(p *garage.CarPhoto, action string) *response {
					return e.postForm(emp, path+"/"+itoa(int(p.ID)), url.Values{"action": {action}})
				}
				if r := act(photos[2], "principale"); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("main: %d", r.StatusCode)
				}
				if r := act(photos[0], "descendre"); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("down: %d", r.StatusCode)
				}
				if r := act(photos[0], "voler"); r.StatusCode != http.StatusBadRequest {
					t.Fatalf("unknown action: %d", r.StatusCode)
				}
				after, _ := e.store.CarPhotos(ctx, id)
				if after[0].ID != photos[2].ID || after[1].ID != photos[1].ID || after[2].ID != photos[0].ID {
					t.Fatalf("order after moves: %d %d %d", after[0].ID, after[1].ID, after[2].ID)
				}
				page := e.get(emp, "/admin/voitures/"+itoa(int(id)))
				if !strings.Contains(page.body, "Photo principale") || !strings.Contains(page.body, `value="monter"`) {
					t.Errorf("photo controls missing")
				}
				if r := act(photos[1], "supprimer"); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("delete photo: %d", r.StatusCode)
				}
				if files := e.storedPhotoFiles(); len(files) != 8 {
					t.Fatalf("files after photo delete: %v", files)
				}
				if r := act(photos[1], "supprimer"); r.StatusCode != http.StatusNotFound {
					t.Fatalf("delete twice: %d", r.StatusCode)
				}

				// Publish, and a visitor sees the car with its main photo.
				if r := e.postForm(emp, "/admin/voitures/"+itoa(int(id))+"/statut", url.Values{"from": {"draft"}, "to": {"published"}}); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("publish: %d %s", r.StatusCode, r.body)
				}
				c, _ := e.store.CarByID(ctx, id)
				// An online advert keeps at least one photo.
				solo := e.addCar(car("Fiat", "Panda", "1.2 Easy", 6990, 2016, 90000, "essence", "manuelle"), garage.CarPublished, e.clock.Now())
				soloPhotos, _ := e.store.CarPhotos(ctx, solo.ID)
				r := e.postForm(emp, "/admin/voitures/"+itoa(int(solo.ID))+"/photos/"+itoa(int(soloPhotos[0].ID)), url.Values{"action": {"supprimer"}})
				if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "garde au moins une photo") {
					t.Fatalf("deleting the only photo of a published car: %d", r.StatusCode)
				}
				visitor := e.client()
				list := e.get(visitor, "/occasions")
				if !strings.Contains(list.body, views.CarPath(c)) || !strings.Contains(list.body, "/photos/"+photos[2].Key+"-card.jpg") {
					t.Fatalf("list does not show the car with its main photo")
				}
				if r := e.get(visitor, views.CarPath(c)); r.StatusCode != http.StatusOK || strings.Count(r.body, "-thumb.jpg") != 2 {
					t.Fatalf("car page: %d", r.StatusCode)
				}

				// Deleting the car removes its files.
				if r := e.postForm(emp, "/admin/voitures/"+itoa(int(id))+"/supprimer", nil); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("delete car: %d", r.StatusCode)
				}
				if files := e.storedPhotoFiles(); len(files) != 0 {
					t.Fatalf("files left after deleting the car: %v", files)
				}
				actions := strings.Join(e.auditActions(t), ",")
				for _, want := range []string{"car.photos.add", "car.photo.principale", "car.photo.supprimer"} {
					if !strings.Contains(actions, want) {
						t.Errorf("no %s audit row", want)
					}
				}
			})
		})
	}
}

// A database failure after the files were written leaves no orphan file.
func TestPhotoUploadLeavesNoOrphanOnDBFailure(t *testing.T) {
	forEachPhotoStore(t, testPhotoUploadLeavesNoOrphanOnDBFailure)
}

func testPhotoUploadLeavesNoOrphanOnDBFailure(t *testing.T, storeOpt envOption) {
	e := newEnv(t, store.SQLite, storeOpt)
	emp := e.loggedIn(employeeEmail, employeePass)
	id := e.createCar(emp, validCarForm())
	var many []*garage.CarPhoto
	for i := range garage.MaxCarPhotos {
		many = append(many, &garage.CarPhoto{Key: "cars/x" + itoa(i), Width: 1, Height: 1})
	}
	if err := e.store.AddCarPhotos(context.Background(), id, many, e.clock.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	res := e.postPhotos(emp, "/admin/voitures/"+itoa(int(id))+"/photos", e.server.URL, upload{"a.jpg", testJPEG(t, 64, 48, color.White)})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "au plus 30 photos") {
		t.Fatalf("31st photo: %d", res.StatusCode)
	}
	if files := e.storedPhotoFiles(); len(files) != 0 {
		t.Fatalf("orphan files: %v", files)
	}
	// An upload for a car deleted meanwhile stores nothing.
	if _, err := e.store.DeleteCar(context.Background(), id, time.Time{}, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if res := e.postPhotos(emp, "/admin/voitures/"+itoa(int(id))+"/photos", e.server.URL, upload{"a.jpg", testJPEG(t, 64, 48, color.White)}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("upload for a deleted car: %d", res.StatusCode)
	}
	if files := e.storedPhotoFiles(); len(files) != 0 {
		t.Fatalf("orphan files: %v", files)
	}
}

// failingPuts is a photo store whose Put fails after a number of successes.
type failingPuts struct {
	photostore.Store
	left int
}

func (f *failingPuts) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if f.left == 0 {
		return errors.New("disk full")
	}
	f.left--
	return f.Store.Put(ctx, key, data, contentType)
}

// A storage failure half-way through an upload removes what was written.
func TestPhotoUploadLeavesNoOrphanOnStorageFailure(t *testing.T) {
	forEachPhotoStore(t, testPhotoUploadLeavesNoOrphanOnStorageFailure)
}

func testPhotoUploadLeavesNoOrphanOnStorageFailure(t *testing.T, storeOpt envOption) {
	e := newEnv(t, store.SQLite, storeOpt)
	emp := e.loggedIn(employeeEmail, employeePass)
	id := e.createCar(emp, validCarForm())
	disk := e.app.photos
	e.app.photos = &failingPuts{Store: disk, left: 6} // the second photo fails half-way
	jpg := testJPEG(t, 64, 48, color.White)
	res := e.postPhotos(emp, "/admin/voitures/"+itoa(int(id))+"/photos", e.server.URL, upload{"a.jpg", jpg}, upload{"b.jpg", jpg})
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(res.body, "disk full") {
		t.Fatalf("storage failure: %d", res.StatusCode)
	}
	keys, err := disk.List(context.Background(), "cars")
	if err != nil || len(keys) != 0 {
		t.Fatalf("files left: %v %v", keys, err)
	}
	if n, _ := e.store.CarPhotoCount(context.Background(), id); n != 0 {
		t.Fatalf("%d photo rows left", n)
	}
}
