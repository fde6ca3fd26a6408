package config

import (
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustLoad(t *testing.T, m map[string]string) *Config {
	t.Helper()
	c, err := Load(env(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadDefaults(t *testing.T) {
	c := mustLoad(t, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Env", c.Env, EnvDevelopment},
		{"Production", c.Production, false},
		{"SecretKey", c.SecretKey, ""},
		{"DataDir", c.DataDir, "./data"},
		{"DatabaseURL", c.DatabaseURL, "sqlite:data/garage.db"},
		{"Addr", c.Addr, "127.0.0.1:8080"},
		{"PublicURL", c.PublicURL, "http://127.0.0.1:8080"},
		{"TrustedProxies", len(c.TrustedProxies), 0},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"LogFormat", c.LogFormat, "text"},
		{"MetricsAddr", c.MetricsAddr, "127.0.0.1:9090"},
		{"MetricsEnabled", c.MetricsEnabled(), true},
		{"Mail.Server", c.Mail.Server, ""},
		{"Mail.Port", c.Mail.Port, 587},
		{"Mail.UseTLS", c.Mail.UseTLS, false},
		{"Mail.UseSSL", c.Mail.UseSSL, false},
		{"Mail.From", c.Mail.From, ""},
		{"MaintenanceStart", c.MaintenanceStart.IsZero(), true},
		{"MaintenanceMode", c.MaintenanceMode, false},
		{"IsPostgres", c.IsPostgres(), false},
		{"SQLitePath", c.SQLitePath(), "data/garage.db"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if p := c.Validate(); len(p) != 0 {
		t.Errorf("Validate() in development with defaults = %v, want none", p)
	}
}

func TestLoadProductionDefaults(t *testing.T) {
	c := mustLoad(t, map[string]string{"APP_ENV": "production"})
	if !c.Production || c.Env != EnvProduction {
		t.Fatalf("Production = %v, Env = %q", c.Production, c.Env)
	}
	if c.LogFormat != "json" {
		t.Errorf("LogFormat = %q, want json", c.LogFormat)
	}
	if c.PublicURL != "" {
		t.Errorf("PublicURL = %q, want no default in production", c.PublicURL)
	}
}

func TestLoadValues(t *testing.T) {
	c := mustLoad(t, map[string]string{
		"APP_ENV":          "development",
		"FLASK_ENV":        "Production",
		"SECRET_KEY":       " keep spaces ",
		"DATA_DIR":         "/var/lib/garage",
		"ADDR":             ":8000",
		"PUBLIC_URL":       "https://garage-parrot.fr/",
		"TRUSTED_PROXIES":  " 127.0.0.1, 10.0.0.0/8,::1 , 192.168.1.7/16,,",
		"LOG_LEVEL":        "DEBUG",
		"LOG_FORMAT":       "Text",
		"METRICS_ADDR":     "OFF",
		"MAIL_SERVER":      "smtp.example.fr",
		"MAIL_USE_SSL":     "Yes",
		"MAIL_USE_TLS":     "off",
		"MAIL_USERNAME":    "contact@garage-parrot.fr",
		"MAIL_PASSWORD":    "p w",
		"MAIL_FROM":        "Garage <contact@garage-parrot.fr>",
		"MAINTENANCE_MODE": "1",
	})
	if !c.Production {
		t.Error("FLASK_ENV=Production did not select production")
	}
	if c.SecretKey != " keep spaces " || c.Mail.Password != "p w" {
		t.Errorf("secrets not verbatim: %q %q", c.SecretKey, c.Mail.Password)
	}
	if c.DatabaseURL != "sqlite:/var/lib/garage/garage.db" {
		t.Errorf("DatabaseURL = %q", c.DatabaseURL)
	}
	if c.PublicURL != "https://garage-parrot.fr" {
		t.Errorf("PublicURL = %q", c.PublicURL)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
	if !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("TrustedProxies = %v, want %v", c.TrustedProxies, want)
	}
	if c.LogLevel != slog.LevelDebug || c.LogFormat != "text" {
		t.Errorf("LogLevel, LogFormat = %v, %q", c.LogLevel, c.LogFormat)
	}
	if c.MetricsAddr != "" || c.MetricsEnabled() {
		t.Errorf("METRICS_ADDR=OFF: MetricsAddr = %q", c.MetricsAddr)
	}
	if !c.Mail.UseSSL || c.Mail.UseTLS || c.Mail.Port != 465 {
		t.Errorf("Mail = %+v", c.Mail)
	}
	if !c.MaintenanceMode {
		t.Error("MAINTENANCE_MODE=1 not read")
	}
}

func TestLoadBooleans(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false}, {"true", true}, {"TRUE", true}, {"1", true}, {"yes", true}, {"On", true},
		{"false", false}, {"0", false}, {"NO", false}, {"off", false}, {" true ", true},
	} {
		c := mustLoad(t, map[string]string{"MAIL_USE_TLS": tc.in})
		if c.Mail.UseTLS != tc.want {
			t.Errorf("MAIL_USE_TLS=%q: got %v, want %v", tc.in, c.Mail.UseTLS, tc.want)
		}
	}
}

func TestLoadMailPort(t *testing.T) {
	for _, tc := range []struct {
		port, ssl string
		want      int
	}{
		{"", "", 587}, {"", "true", 465}, {"25", "", 25}, {"2525", "true", 2525},
	} {
		c := mustLoad(t, map[string]string{"MAIL_PORT": tc.port, "MAIL_USE_SSL": tc.ssl})
		if c.Mail.Port != tc.want {
			t.Errorf("MAIL_PORT=%q MAIL_USE_SSL=%q: port %d, want %d", tc.port, tc.ssl, c.Mail.Port, tc.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, value string
	}{
		{"MAIL_PORT", "abc"},
		{"MAIL_PORT", "0"},
		{"MAIL_PORT", "70000"},
		{"MAIL_USE_TLS", "maybe"},
		{"MAIL_USE_SSL", "2"},
		{"MAINTENANCE_MODE", "oui"},
		{"TRUSTED_PROXIES", "127.0.0.1,proxy.local"},
		{"TRUSTED_PROXIES", "10.0.0.0/33"},
		{"LOG_LEVEL", "verbose"},
		{"LOG_FORMAT", "xml"},
		{"APP_ENV", "prod"},
		{"FLASK_ENV", "staging"},
		{"SHUTDOWN_DRAIN", "dix secondes"},
		{"SHUTDOWN_DRAIN", "-1s"},
		{"SHUTDOWN_DRAIN", "1h"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			c, err := Load(env(map[string]string{tc.name: tc.value}))
			if err == nil {
				t.Fatalf("Load succeeded: %+v", c)
			}
			if !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error %q does not name %s", err, tc.name)
			}
		})
	}
}

func TestLoadJoinsErrors(t *testing.T) {
	_, err := Load(env(map[string]string{"MAIL_PORT": "abc", "LOG_LEVEL": "loud", "MAIL_USE_TLS": "si"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"MAIL_PORT", "LOG_LEVEL", "MAIL_USE_TLS"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("joined error %q misses %s", err, name)
		}
	}
}

func TestMaintenanceDate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	winter8 := time.Date(2026, 12, 1, 8, 0, 0, 0, paris)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-12-01 08:00:00", winter8},
		{"2026-12-01 08:00", winter8},
		{" 2026-12-01 08:00 ", winter8},
		{"2026-12-01", time.Date(2026, 12, 1, 0, 0, 0, 0, paris)},
		{"2026-12-01T08:00:00", winter8},
		{"2026-12-01T08:00", winter8},
		{"2026-12-01T08:00:00+01:00", winter8},
		{"2026-12-01T07:00:00Z", winter8},
		{"2026-12-01T07:00Z", winter8},
		{"2026-12-01T08:00+01:00", winter8},
		// Summer time: 08:00 in Paris is 06:00 UTC.
		{"2026-07-01 08:00", time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)},
	} {
		c := mustLoad(t, map[string]string{"MAINTENANCE_START_DATE": tc.in})
		if !c.MaintenanceStart.Equal(tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, c.MaintenanceStart, tc.want)
		}
		if p := c.Validate(); len(p) != 0 {
			t.Errorf("%q: Validate() = %v", tc.in, p)
		}
	}
}

func TestMaintenanceDateUnparsable(t *testing.T) {
	for _, in := range []string{"demain", "01/12/2026", "2026-13-01", "2026-12-01 25:00"} {
		for _, appEnv := range []string{"development", "production"} {
			c, err := Load(env(map[string]string{"MAINTENANCE_START_DATE": in, "APP_ENV": appEnv}))
			if err != nil {
				t.Fatalf("%q: Load must not fail on MAINTENANCE_START_DATE: %v", in, err)
			}
			if !c.MaintenanceStart.IsZero() || c.MaintenanceStartRaw != in {
				t.Errorf("%q: MaintenanceStart = %v, raw %q", in, c.MaintenanceStart, c.MaintenanceStartRaw)
			}
			if !hasProblem(c.Validate(), true, "MAINTENANCE_START_DATE") {
				t.Errorf("%q (%s): no fatal problem naming MAINTENANCE_START_DATE in %v", in, appEnv, c.Validate())
			}
		}
	}
}

func TestSQLitePath(t *testing.T) {
	for _, tc := range []struct {
		url, want string
		postgres  bool
	}{
		{"sqlite:data/garage.db", "data/garage.db", false},
		{"sqlite:///var/lib/garage/garage.db", "/var/lib/garage/garage.db", false},
		{"sqlite://garage.db?_pragma=busy_timeout(5000)", "garage.db", false},
		{"SQLite:garage.db", "garage.db", false},
		{"file:garage.db?mode=rwc", "garage.db", false},
		{"file:///tmp/g.sqlite", "/tmp/g.sqlite", false},
		{"/srv/garage.sqlite", "/srv/garage.sqlite", false},
		{"garage.db", "garage.db", false},
		{"postgres://u:p@localhost/garage", "", true},
		{"postgresql://localhost/garage?sslmode=disable", "", true},
		{"POSTGRES://localhost/garage", "", true},
	} {
		c := &Config{DatabaseURL: tc.url}
		if got := c.SQLitePath(); got != tc.want {
			t.Errorf("SQLitePath(%q) = %q, want %q", tc.url, got, tc.want)
		}
		if got := c.IsPostgres(); got != tc.postgres {
			t.Errorf("IsPostgres(%q) = %v", tc.url, got)
		}
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c := mustLoad(t, map[string]string{
		"SECRET_KEY":    "s3cr3t-value-that-must-not-be-logged",
		"MAIL_PASSWORD": "mail-password-hidden",
		"DATABASE_URL":  "postgres://garage:db-password-hidden@db/garage",
	})
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "cfg", c)
	out := b.String()
	for _, secret := range []string{"s3cr3t", "mail-password-hidden", "db-password-hidden"} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "postgres://garage:xxxxx@db/garage") {
		t.Errorf("log output lacks the redacted database URL: %s", out)
	}
}

func TestVars(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vars() {
		if v.Name == "" || v.Help == "" {
			t.Errorf("incomplete %+v", v)
		}
		if strings.ContainsRune(v.Help, '\n') {
			t.Errorf("%s: Help is not one line", v.Name)
		}
		if seen[v.Name] {
			t.Errorf("%s listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	// Every variable Load reads is documented, and every documented one is read.
	read := map[string]bool{}
	if _, err := Load(func(k string) string { read[k] = true; return "" }); err != nil {
		t.Fatal(err)
	}
	for k := range read {
		if !seen[k] {
			t.Errorf("Load reads %s, which Vars does not document", k)
		}
	}
	for k := range seen {
		if !read[k] {
			t.Errorf("Vars documents %s, which Load never reads", k)
		}
	}
	// Grouped: variables sharing a prefix (MAIL_, MAINTENANCE_) are adjacent.
	var prefixes []string
	for _, v := range Vars() {
		p, _, _ := strings.Cut(v.Name, "_")
		if p != "MAIL" && p != "MAINTENANCE" {
			continue
		}
		if len(prefixes) == 0 || prefixes[len(prefixes)-1] != p {
			if slices.Contains(prefixes, p) {
				t.Errorf("%s_ variables are not grouped", p)
			}
			prefixes = append(prefixes, p)
		}
	}
}

func TestEnvExampleCoversVars(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, v := range Vars() {
		if !strings.Contains(text, "# "+v.Name+"=") && !strings.Contains(text, "\n"+v.Name+"=") {
			t.Errorf(".env.example does not document %s", v.Name)
		}
	}
	// The example as such (all commented out) must load, and its SECRET_KEY
	// placeholder, once uncommented, must be refused in production.
	uncommented := strings.ReplaceAll(text, "# SECRET_KEY=", "SECRET_KEY=")
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte(uncommented), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv, err := LoadDotEnv(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if getenv("SECRET_KEY") == "" {
		t.Fatal("SECRET_KEY placeholder not found in .env.example")
	}
	c := mustLoad(t, map[string]string{"APP_ENV": "production", "SECRET_KEY": getenv("SECRET_KEY")})
	if !hasProblem(c.Validate(), true, "SECRET_KEY") {
		t.Error("the .env.example SECRET_KEY is accepted in production")
	}
}
