package config

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func s3Env() map[string]string {
	return map[string]string{
		"PHOTO_STORAGE": "S3", "S3_ENDPOINT": "https://s3.fr-par.scw.cloud/", "S3_BUCKET": "garage-photos",
		"S3_REGION": "fr-par", "S3_ACCESS_KEY_ID": "SCWKEY", "S3_SECRET_ACCESS_KEY": "s3-secret-hidden",
		"S3_PATH_STYLE": "yes", "PHOTO_PUBLIC_BASE_URL": "https://photos.garage-parrot.fr/",
	}
}

func TestLoadPhotos(t *testing.T) {
	if c := mustLoad(t, nil); c.Photos.Storage != PhotoStorageDisk || c.Photos.PublicBaseURL != "" || c.Photos.PublicOrigin() != "" {
		t.Errorf("defaults: %+v", c.Photos)
	}
	c := mustLoad(t, s3Env())
	want := PhotoConfig{
		Storage: PhotoStorageS3, S3Endpoint: "https://s3.fr-par.scw.cloud", S3Bucket: "garage-photos", S3Region: "fr-par",
		S3AccessKeyID: "SCWKEY", S3SecretAccessKey: "s3-secret-hidden", S3PathStyle: true,
		PublicBaseURL: "https://photos.garage-parrot.fr",
	}
	if c.Photos != want {
		t.Errorf("Photos = %+v, want %+v", c.Photos, want)
	}
	if p := c.Validate(); len(p) != 0 {
		t.Errorf("Validate() = %v", p)
	}
	c.Photos.PublicBaseURL = "https://cdn.example.fr/garage/photos"
	if got := c.Photos.PublicOrigin(); got != "https://cdn.example.fr" {
		t.Errorf("PublicOrigin = %q", got)
	}
	for name, v := range map[string]string{"PHOTO_STORAGE": "ftp", "S3_PATH_STYLE": "peut-être"} {
		if _, err := Load(env(map[string]string{name: v})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: err = %v", name, v, err)
		}
	}
	// The secret is never logged.
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", mustLoad(t, s3Env()))
	if strings.Contains(buf.String(), "s3-secret-hidden") || !strings.Contains(buf.String(), "garage-photos") {
		t.Errorf("log: %s", buf.String())
	}
}

func TestValidatePhotos(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      map[string]string
		variable string
	}{
		{"no endpoint", map[string]string{"S3_ENDPOINT": ""}, "S3_ENDPOINT"},
		{"endpoint without scheme", map[string]string{"S3_ENDPOINT": "s3.fr-par.scw.cloud"}, "S3_ENDPOINT"},
		{"endpoint with a path", map[string]string{"S3_ENDPOINT": "https://s3.fr-par.scw.cloud/bucket"}, "S3_ENDPOINT"},
		{"no bucket", map[string]string{"S3_BUCKET": ""}, "S3_BUCKET"},
		{"no key", map[string]string{"S3_ACCESS_KEY_ID": ""}, "S3_ACCESS_KEY_ID"},
		{"no secret", map[string]string{"S3_SECRET_ACCESS_KEY": ""}, "S3_SECRET_ACCESS_KEY"},
		{"public URL not a URL", map[string]string{"PHOTO_PUBLIC_BASE_URL": "photos.garage-parrot.fr"}, "PHOTO_PUBLIC_BASE_URL"},
		{"public URL javascript", map[string]string{"PHOTO_PUBLIC_BASE_URL": "javascript:alert(1)"}, "PHOTO_PUBLIC_BASE_URL"},
		{"public URL with a query", map[string]string{"PHOTO_PUBLIC_BASE_URL": "https://cdn.example.fr/?x=1"}, "PHOTO_PUBLIC_BASE_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := s3Env()
			for k, v := range tc.set {
				env[k] = v
			}
			// Fatal in development too: the photos would not work at all.
			if p := mustLoad(t, env).Validate(); !hasProblem(p, true, tc.variable) {
				t.Errorf("Validate() = %v, want a fatal problem naming %s", p, tc.variable)
			}
		})
	}
	// In production: the public URL must be https, and an http endpoint away from this machine is a warning.
	env := safeProduction(t)
	for k, v := range s3Env() {
		env[k] = v
	}
	env["PHOTO_PUBLIC_BASE_URL"] = "http://photos.garage-parrot.fr"
	env["S3_ENDPOINT"] = "http://minio.internal:9000"
	p := mustLoad(t, env).Validate()
	if !hasProblem(p, true, "PHOTO_PUBLIC_BASE_URL") || !hasProblem(p, false, "S3_ENDPOINT") {
		t.Errorf("Validate() = %v", p)
	}
	// The scheme is read as a URL is: in any case.
	env["PHOTO_PUBLIC_BASE_URL"] = "HTTP://photos.garage-parrot.fr"
	env["S3_ENDPOINT"] = "HTTP://minio.internal:9000"
	if p := mustLoad(t, env).Validate(); !hasProblem(p, true, "PHOTO_PUBLIC_BASE_URL") || !hasProblem(p, false, "S3_ENDPOINT") {
		t.Errorf("upper-case http: Validate() = %v", p)
	}
	env["S3_ENDPOINT"] = "https://s3.fr-par.scw.cloud"
	env["PHOTO_PUBLIC_BASE_URL"] = "HTTPS://photos.garage-parrot.fr"
	if p := mustLoad(t, env).Validate(); len(p) != 0 {
		t.Errorf("upper-case https: Validate() = %v", p)
	}
	env["S3_ENDPOINT"] = "http://127.0.0.1:9000"
	env["PHOTO_PUBLIC_BASE_URL"] = ""
	if p := mustLoad(t, env).Validate(); len(p) != 0 {
		t.Errorf("loopback endpoint: Validate() = %v", p)
	}
}
