package web

import (
	"context"
	"image/color"
	"net/http"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store/storetest"
)

// TestServiceImage: the admin gives a service an image through the photo
// pipeline; the home page and /services show it; replacing, removing or
// deleting the service removes the old files; hostile files are refused.
func TestServiceImage(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			forEachPhotoStore(t, func(t *testing.T, storeOpt envOption) {
				e := newEnv(t, engine, storeOpt)
				ctx := context.Background()
				admin := e.loggedIn(adminEmail, adminPassword)
				list, _ := e.store.ListServices(ctx, true)
				sv := list[0]
				path := "/admin/services/" + itoa(int(sv.ID))
				files := func() []string {
					keys, err := e.app.photos.List(ctx, "services")
					if err != nil {
						t.Fatal(err)
					}
					return keys
				}

				res := e.postPhotos(admin, path+"/image", e.server.URL, upload{"atelier.jpg", testJPEG(t, 1600, 1200, color.RGBA{200, 30, 40, 255})})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("upload: %d %s", res.StatusCode, res.body)
				}
				got, _ := e.store.ServiceByID(ctx, sv.ID)
				if got.Image == "" || !strings.HasPrefix(got.Image, "services/") || len(files()) != 4 {
					t.Fatalf("stored image %q, files %v", got.Image, files())
				}
				for _, p := range []string{"/", "/services"} {
					if body := e.get(e.client(), p).body; !strings.Contains(body, `src="/photos/`+got.Image+`-card.jpg"`) {
						t.Errorf("%s does not show the service image", p)
					}
				}
				if img := e.get(e.client(), "/photos/"+got.Image+"-card.jpg"); img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/jpeg" {
					t.Fatalf("image file: %d", img.StatusCode)
				}
				if edit := e.get(admin, path); !strings.Contains(edit.body, "Retirer l&#39;image") && !strings.Contains(edit.body, "Retirer l'image") {
					t.Fatal("edit page lacks the remove button")
				}

				// Replacing deletes the previous files.
				first := got.Image
				if res := e.postPhotos(admin, path+"/image", e.server.URL, upload{"b.png", testPNG(t, 800, 600)}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("replace: %d", res.StatusCode)
				}
				got, _ = e.store.ServiceByID(ctx, sv.ID)
				if got.Image == first || len(files()) != 4 || strings.Contains(strings.Join(files(), ","), first) {
					t.Fatalf("after replace: %q %v", got.Image, files())
				}

				// Hostile files: French refusal, nothing changed.
				for _, bad := range []upload{{"x.jpg", []byte("<html>pas une image</html>")}, {"bomb.png", pngBomb()}} {
					res := e.postPhotos(admin, path+"/image", e.server.URL, bad)
					if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(res.body, `class="field-error"`) {
						t.Errorf("%s: %d", bad.name, res.StatusCode)
					}
				}
				if again, _ := e.store.ServiceByID(ctx, sv.ID); again.Image != got.Image || len(files()) != 4 {
					t.Fatal("a refused upload changed the image")
				}

				// Removing, then deleting the service, leaves no file behind.
				if res := e.postForm(admin, path+"/image/supprimer", nil); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("remove: %d", res.StatusCode)
				}
				if got, _ := e.store.ServiceByID(ctx, sv.ID); got.Image != "" || len(files()) != 0 {
					t.Fatalf("after remove: %q %v", got.Image, files())
				}
				e.postPhotos(admin, path+"/image", e.server.URL, upload{"c.jpg", testJPEG(t, 400, 300, color.White)})
				if res := e.postForm(admin, path+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("delete service: %d", res.StatusCode)
				}
				if len(files()) != 0 {
					t.Fatalf("files left after deleting the service: %v", files())
				}
				if !strings.Contains(strings.Join(e.auditActions(t), ","), "service.image") {
					t.Fatal("no audit row")
				}
			})
		})
	}
}
