package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// MinSecretKeyLen is the shortest SECRET_KEY accepted in production, in bytes.
const MinSecretKeyLen = 32

// Problem is one finding of Validate.
type Problem struct {
	Fatal   bool   // the configuration must not run in production
	Message string // one line, in French, naming the variable
}

// String returns the problem prefixed with its severity, in French.
func (p Problem) String() string {
	if p.Fatal {
		return "ERREUR : " + p.Message
	}
	return "AVERTISSEMENT : " + p.Message
}

// HasFatal reports whether any of problems is fatal.
func HasFatal(problems []Problem) bool {
	for _, p := range problems {
		if p.Fatal {
			return true
		}
	}
	return false
}

// Validate is the production self-check behind `garage check`, also run by
// `garage serve` at start-up in production. It returns every problem found,
// fatal ones first.
//
// In development only the problems that would break the site whatever the
// environment are reported: an unparsable MAINTENANCE_START_DATE and
// MAIL_USE_TLS together with MAIL_USE_SSL.
func (c *Config) Validate() []Problem {
	var fatal, warn []Problem
	bad := func(format string, args ...any) {
		fatal = append(fatal, Problem{Fatal: true, Message: fmt.Sprintf(format, args...)})
	}
	note := func(format string, args ...any) {
		warn = append(warn, Problem{Message: fmt.Sprintf(format, args...)})
	}

	if c.maintenanceErr != nil {
		bad("MAINTENANCE_START_DATE « %s » n'est pas une date valide (formats acceptés : 2026-12-01 08:00, 2026-12-01 ou 2026-12-01T08:00:00+01:00).", c.MaintenanceStartRaw)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		bad("TLS_CERT_FILE et TLS_KEY_FILE vont ensemble : indiquez les deux fichiers, ou aucun.")
	}
	for _, f := range []struct{ name, path string }{{"TLS_CERT_FILE", c.TLSCertFile}, {"TLS_KEY_FILE", c.TLSKeyFile}} {
		if f.path != "" {
			if _, err := os.Stat(f.path); err != nil {
				bad("%s : fichier « %s » illisible.", f.name, f.path)
			}
		}
	}
	if c.TLSRedirectAddr != "" && c.TLSCertFile == "" {
		bad("TLS_REDIRECT_ADDR n'a de sens qu'avec TLS_CERT_FILE et TLS_KEY_FILE.")
	}
	c.validatePhotos(bad)
	if c.Mail.UseTLS && c.Mail.UseSSL {
		bad("MAIL_USE_TLS et MAIL_USE_SSL sont tous deux activés : choisissez l'un ou l'autre (SSL pour le port 465, TLS pour le port 587).")
	}
	if !c.Production {
		return append(fatal, warn...)
	}

	switch k := c.SecretKey; {
	case k == "":
		bad("SECRET_KEY est vide : définissez une clé aléatoire d'au moins %d octets (ex. : openssl rand -base64 48).", MinSecretKeyLen)
	case isPlaceholderSecret(k):
		bad("SECRET_KEY est une valeur d'exemple ou trop prévisible : remplacez-la par une clé aléatoire (ex. : openssl rand -base64 48).")
	case len(k) < MinSecretKeyLen:
		bad("SECRET_KEY est trop courte (%d octets) : il en faut au moins %d (ex. : openssl rand -base64 48).", len(k), MinSecretKeyLen)
	case secretKeyBits(k) < MinSecretKeyBits:
		bad("SECRET_KEY est trop prévisible (environ %.0f bits d'entropie mesurés, il en faut au moins %d : une suite comme « 0123456789… », ou trop peu de caractères différents) : remplacez-la par une clé aléatoire (ex. : openssl rand -base64 48).",
			secretKeyBits(k), MinSecretKeyBits)
	}

	if u, err := url.Parse(c.PublicURL); c.PublicURL == "" || err != nil || u.Scheme != "https" || u.Host == "" {
		if c.PublicURL == "" {
			bad("PUBLIC_URL est vide : indiquez l'adresse publique du site en https://, ex. https://garage-parrot.fr.")
		} else {
			bad("PUBLIC_URL « %s » doit être une adresse https://, ex. https://garage-parrot.fr.", c.PublicURL)
		}
	} else if len(c.TrustedProxies) == 0 {
		note("TRUSTED_PROXIES est vide alors que PUBLIC_URL est en https : derrière un proxy TLS (Caddy, nginx), indiquez son adresse pour connaître l'IP réelle des visiteurs.")
	}

	switch info, err := os.Stat(c.DataDir); {
	case errors.Is(err, fs.ErrNotExist):
		// Created at start-up with mode 0700.
	case err != nil:
		bad("DATA_DIR « %s » est inaccessible : %v.", c.DataDir, err)
	case !info.IsDir():
		bad("DATA_DIR « %s » n'est pas un répertoire.", c.DataDir)
	case info.Mode().Perm()&0o007 != 0:
		bad("DATA_DIR « %s » est accessible à tous les utilisateurs (droits %04o) : exécutez chmod 700 %s.", c.DataDir, info.Mode().Perm(), c.DataDir)
	}

	// The database file, the photos and the backups hold personal data.
	private := []struct{ label, path string }{
		{"Les sauvegardes (BACKUP_DIR)", c.BackupDir},
	}
	if c.Photos.Storage == PhotoStorageDisk {
		private = append(private, struct{ label, path string }{"Les photos (DATA_DIR/photos)", filepath.Join(c.DataDir, "photos")})
	}
	if u := c.Photos.PublicBaseURL; u != "" && urlScheme(u) != "https" {
		bad("PHOTO_PUBLIC_BASE_URL « %s » doit être une adresse https:// en production (le navigateur bloquerait des images en http sur une page en https).", u)
	}
	if e := c.Photos.S3Endpoint; c.Photos.Storage == PhotoStorageS3 && urlScheme(e) == "http" && !isLoopbackURL(e) {
		note("S3_ENDPOINT « %s » est en http:// : les photos et la clé d'accès circulent en clair ; préférez https:// hors du réseau local.", e)
	}
	if !c.IsPostgres() {
		private = append(private, struct{ label, path string }{"La base SQLite (DATABASE_URL)", c.SQLitePath()})
	}
	for _, p := range private {
		if info, err := os.Stat(p.path); err == nil && info.Mode().Perm()&0o007 != 0 {
			bad("%s « %s » : lisible par tous les utilisateurs (droits %04o) : exécutez chmod o-rwx %s.", p.label, p.path, info.Mode().Perm(), p.path)
		}
	}

	if !c.IsPostgres() {
		note("DATABASE_URL : SQLite en production : convient à une seule instance ; sauvegardez le fichier régulièrement (garage db backup) ou passez à PostgreSQL pour plusieurs instances.")
	}
	if c.Mail.Server == "" {
		note("MAIL_SERVER est vide : les e-mails ne seront pas envoyés (les messages restent visibles dans l'administration).")
	}
	return append(fatal, warn...)
}

// validatePhotos checks the photo storage settings: problems that break the
// site in every environment.
func (c *Config) validatePhotos(bad func(string, ...any)) {
	p := c.Photos
	if p.PublicBaseURL != "" {
		u, err := url.Parse(p.PublicBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			bad("PHOTO_PUBLIC_BASE_URL « %s » n'est pas une adresse http(s):// valide, ex. https://photos.garage-parrot.fr.", p.PublicBaseURL)
		}
	}
	c.validateS3(bad)
}

// S3SettingsValid reports whether the S3 settings (PHOTO_STORAGE=s3) are complete and well formed, so that
// reaching the bucket is worth trying.
func (c *Config) S3SettingsValid() bool {
	ok := true
	c.validateS3(func(string, ...any) { ok = false })
	return ok
}

// validateS3 checks the bucket settings when PHOTO_STORAGE=s3.
func (c *Config) validateS3(bad func(string, ...any)) {
	p := c.Photos
	if p.Storage != PhotoStorageS3 {
		return
	}
	if p.S3Endpoint == "" {
		bad("S3_ENDPOINT est vide alors que PHOTO_STORAGE=s3 : indiquez l'adresse du service, ex. https://s3.fr-par.scw.cloud.")
	} else if u, err := url.Parse(p.S3Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		bad("S3_ENDPOINT « %s » doit être une adresse http:// ou https:// sans chemin, ex. https://s3.fr-par.scw.cloud.", p.S3Endpoint)
	}
	if p.S3Bucket == "" {
		bad("S3_BUCKET est vide alors que PHOTO_STORAGE=s3 : indiquez le nom du bucket des photos.")
	}
	if p.S3AccessKeyID == "" || p.S3SecretAccessKey == "" {
		bad("S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY sont obligatoires avec PHOTO_STORAGE=s3.")
	}
}

// isLoopbackURL reports whether raw's host is localhost or a loopback address.
// urlScheme is raw's scheme as url.Parse reads it (lower case, so "HTTPS://" is "https"), or "" when raw
// does not parse: the same reading as the load's checks and PublicOrigin.
func urlScheme(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// isPlaceholderSecret reports whether k is a known example value, contains
// one, or is a short pattern repeated (such as "aaaa…" or "abcabc…").
func isPlaceholderSecret(k string) bool {
	// Values copied from examples and tutorials, compared in lower case.
	placeholderSecrets := []string{
		"change-me", "changeme", "change_me", "change-this", "changethis",
		"replace-me", "replaceme", "secret", "secret-key", "secretkey", "secret_key",
		"your-secret-key", "your_secret_key", "yoursecretkey", "mysecretkey",
		"dev", "development", "test", "password", "motdepasse", "garage", "parrot",
		"remplacez-moi-par-une-valeur-aleatoire-de-32-octets-ou-plus",
	}
	// Fragments that betray a placeholder even inside a longer value.
	placeholderMarkers := []string{
		"change-me", "changeme", "change_me", "remplacez-moi", "remplacez_moi",
		"replace-me", "replace_me", "your-secret", "your_secret",
	}
	lower := strings.ToLower(strings.TrimSpace(k))
	for _, p := range placeholderSecrets {
		if lower == p {
			return true
		}
	}
	for _, m := range placeholderMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	for period := 1; period <= 8 && period < len(k); period++ {
		if len(k)%period == 0 && strings.Repeat(k[:period], len(k)/period) == k {
			return true
		}
	}
	return false
}
