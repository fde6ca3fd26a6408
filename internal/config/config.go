// Package config reads the garage's configuration from the environment (and
// an optional .env file) and checks that it is safe for production.
//
// The package holds no state: Load takes the getenv function to read from, so
// that tests and the command line can supply their own environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // MAINTENANCE_START_DATE is read in Europe/Paris, even on hosts without tzdata.

	"github.com/vparrot/garage/internal/dburl"
)

// Environment names, as stored in Config.Env.
const (
	EnvProduction  = "production"
	EnvDevelopment = "development"
)

// Default values of the variables that have one.
const (
	DefaultDataDir     = "./data"
	DefaultAddr        = "127.0.0.1:8080"
	DefaultMetricsAddr = "127.0.0.1:9090"
	DefaultMailPort    = 587
	DefaultMailPortSSL = 465
)

// Config is the whole configuration of the application, read once at start-up
// and passed down explicitly.
type Config struct {
	Env         string // EnvProduction or EnvDevelopment
	Production  bool   // Env == EnvProduction
	SecretKey   string // SECRET_KEY
	DatabaseURL string // DATABASE_URL; default "sqlite:" + DataDir/garage.db
	DataDir     string // DATA_DIR, default "./data" (SQLite file, uploads, backups live here)
	Addr        string // ADDR, default "127.0.0.1:8080"
	// PublicURL is the site's public origin without a trailing slash
	// (PUBLIC_URL, e.g. "https://garage-parrot.fr"). In development it
	// defaults to "http://" + Addr; in production it has no default.
	PublicURL string
	// TrustedProxies lists the reverse proxies whose forwarding headers are
	// believed (TRUSTED_PROXIES); a bare IP is stored as a /32 or /128 prefix.
	TrustedProxies []netip.Prefix
	LogLevel       slog.Level // LOG_LEVEL: debug|info|warn|error, default info
	LogFormat      string     // LOG_FORMAT: "json" or "text"; default json in production, text otherwise
	// MetricsAddr is the internal listener for /metrics (METRICS_ADDR,
	// default "127.0.0.1:9090"). It is empty when METRICS_ADDR is "off":
	// see MetricsEnabled.
	MetricsAddr string
	Mail        MailConfig
	// MaintenanceStart is MAINTENANCE_START_DATE parsed; zero if unset or
	// unparsable (Validate reports the latter).
	MaintenanceStart    time.Time
	MaintenanceStartRaw string // MAINTENANCE_START_DATE as given, for messages
	MaintenanceMode     bool   // MAINTENANCE_MODE: answer visitors with a 503 page

	LogFile string // LOG_FILE: append logs to this file (reopened on SIGHUP) instead of stdout

	// Direct TLS (without a reverse proxy).
	TLSCertFile     string // TLS_CERT_FILE
	TLSKeyFile      string // TLS_KEY_FILE
	TLSRedirectAddr string // TLS_REDIRECT_ADDR: plain-HTTP listener that redirects to https, e.g. ":80"

	// Scheduled SQLite backups inside serve (PostgreSQL: use pg_dump).
	BackupDir      string        // BACKUP_DIR, default DataDir/backups
	BackupInterval time.Duration // BACKUP_INTERVAL, e.g. 24h; 0 (unset) disables them
	BackupKeep     int           // BACKUP_KEEP, how many scheduled backups to keep, default 7

	// ShutdownDrain (SHUTDOWN_DRAIN): on SIGTERM, how long /readyz answers 503 while the site still serves,
	// so that a load balancer takes the instance out before its connections close. 0 (default): none.
	ShutdownDrain time.Duration

	Photos PhotoConfig

	maintenanceErr error // why MaintenanceStartRaw did not parse, if it did not
}

// Photo storage back ends (PHOTO_STORAGE).
const (
	PhotoStorageDisk = "disk"
	PhotoStorageS3   = "s3"
)

// PhotoConfig says where photo files live: DATA_DIR/photos on disk, or an
// S3-compatible bucket, and where pages link them.
type PhotoConfig struct {
	Storage string // PHOTO_STORAGE: PhotoStorageDisk (default) or PhotoStorageS3

	S3Endpoint        string // S3_ENDPOINT: "https://s3.fr-par.scw.cloud", "http://127.0.0.1:7070"
	S3Bucket          string // S3_BUCKET
	S3Region          string // S3_REGION
	S3AccessKeyID     string // S3_ACCESS_KEY_ID
	S3SecretAccessKey string // S3_SECRET_ACCESS_KEY: secret, never logged
	S3PathStyle       bool   // S3_PATH_STYLE: "endpoint/bucket/key" URLs rather than "bucket.endpoint/key"

	// PublicBaseURL (PHOTO_PUBLIC_BASE_URL), without a trailing slash: when
	// set, pages link photos at PublicBaseURL + "/" + key (the bucket's
	// public URL or a CDN) instead of /photos/ + key.
	PublicBaseURL string
}

// PublicOrigin returns the scheme and host of PHOTO_PUBLIC_BASE_URL
// ("https://cdn.example.fr"), or "" when it is unset or not a URL.
func (p PhotoConfig) PublicOrigin() string {
	u, err := url.Parse(p.PublicBaseURL)
	if p.PublicBaseURL == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// MailConfig is the SMTP configuration, with the variable names of the
// original Flask deployment.
type MailConfig struct {
	Server   string // MAIL_SERVER; empty means no e-mail is sent
	Port     int    // MAIL_PORT, default 587 (465 when UseSSL)
	UseTLS   bool   // MAIL_USE_TLS: STARTTLS on a plain connection
	UseSSL   bool   // MAIL_USE_SSL: implicit TLS from the first byte
	Username string // MAIL_USERNAME
	Password string // MAIL_PASSWORD
	From     string // MAIL_FROM: sender address, default ""
}

// Load reads the configuration through getenv.
//
// It never fails on a merely unsafe value (that is Validate's job), only on
// values that cannot be parsed at all, such as MAIL_PORT=abc, a bad
// TRUSTED_PROXIES entry or an unknown LOG_LEVEL. Those errors are joined with
// errors.Join; each message is in English and names the variable. An
// unparsable MAINTENANCE_START_DATE is not a Load error: it is recorded and
// reported by Validate, fatal in production (serve refuses to start, so a
// typo is caught at deployment) and a warning in development.
func Load(getenv func(string) string) (*Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	c := &Config{}

	prod := false
	for _, name := range []string{"APP_ENV", "FLASK_ENV"} {
		switch v := strings.ToLower(get(name)); v {
		case "production":
			prod = true
		case "", "development", "dev", "test", "testing":
		default:
			fail("%s: unknown environment %q (want production or development)", name, v)
		}
	}
	c.Production = prod
	c.Env = EnvDevelopment
	if prod {
		c.Env = EnvProduction
	}

	// The secret is taken verbatim: spaces may be part of it.
	c.SecretKey = getenv("SECRET_KEY")

	c.DataDir = orDefault(get("DATA_DIR"), DefaultDataDir)
	c.DatabaseURL = orDefault(get("DATABASE_URL"), "sqlite:"+filepath.Join(c.DataDir, "garage.db"))
	if err := dburl.CheckSQLite(c.DatabaseURL); err != nil {
		errs = append(errs, err)
	}
	c.Addr = orDefault(get("ADDR"), DefaultAddr)

	c.PublicURL = strings.TrimRight(get("PUBLIC_URL"), "/")
	if c.PublicURL == "" && !prod {
		c.PublicURL = "http://" + c.Addr
	}

	for _, entry := range strings.Split(get("TRUSTED_PROXIES"), ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		p, err := parsePrefix(entry)
		if err != nil {
			fail("TRUSTED_PROXIES: %q is neither an IP address nor a CIDR prefix", entry)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}

	c.LogLevel = slog.LevelInfo
	if v := get("LOG_LEVEL"); v != "" {
		switch strings.ToLower(v) {
		case "debug":
			c.LogLevel = slog.LevelDebug
		case "info":
			c.LogLevel = slog.LevelInfo
		case "warn", "warning":
			c.LogLevel = slog.LevelWarn
		case "error":
			c.LogLevel = slog.LevelError
		default:
			fail("LOG_LEVEL: unknown level %q (want debug, info, warn or error)", v)
		}
	}

	c.LogFormat = "text"
	if prod {
		c.LogFormat = "json"
	}
	if v := get("LOG_FORMAT"); v != "" {
		switch f := strings.ToLower(v); f {
		case "json", "text":
			c.LogFormat = f
		default:
			fail("LOG_FORMAT: unknown format %q (want json or text)", v)
		}
	}

	c.MetricsAddr = orDefault(get("METRICS_ADDR"), DefaultMetricsAddr)
	if strings.EqualFold(c.MetricsAddr, "off") {
		c.MetricsAddr = ""
	}

	boolVar := func(name string) bool {
		v := get(name)
		if v == "" {
			return false
		}
		b, ok := parseBool(v)
		if !ok {
			fail("%s: %q is not a boolean (want true/false, 1/0, yes/no or on/off)", name, v)
		}
		return b
	}
	c.Mail.Server = get("MAIL_SERVER")
	c.Mail.UseTLS = boolVar("MAIL_USE_TLS")
	c.Mail.UseSSL = boolVar("MAIL_USE_SSL")
	c.Mail.Username = get("MAIL_USERNAME")
	c.Mail.Password = getenv("MAIL_PASSWORD") // verbatim, like SECRET_KEY
	c.Mail.From = get("MAIL_FROM")
	c.Mail.Port = DefaultMailPort
	if c.Mail.UseSSL {
		c.Mail.Port = DefaultMailPortSSL
	}
	if v := get("MAIL_PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			fail("MAIL_PORT: %q is not a port number (1-65535)", v)
		} else {
			c.Mail.Port = port
		}
	}

	c.MaintenanceMode = boolVar("MAINTENANCE_MODE")

	c.LogFile = get("LOG_FILE")
	c.TLSCertFile, c.TLSKeyFile = get("TLS_CERT_FILE"), get("TLS_KEY_FILE")
	c.TLSRedirectAddr = get("TLS_REDIRECT_ADDR")

	c.BackupDir = orDefault(get("BACKUP_DIR"), filepath.Join(c.DataDir, "backups"))
	if v := get("BACKUP_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			fail("BACKUP_INTERVAL: %q is not a duration such as 24h or 6h", v)
		case d < time.Minute:
			fail("BACKUP_INTERVAL: %s is shorter than a minute", d)
		default:
			c.BackupInterval = d
		}
	}
	if v := get("SHUTDOWN_DRAIN"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			fail("SHUTDOWN_DRAIN: %q is not a duration such as 10s", v)
		case d < 0 || d > 5*time.Minute:
			fail("SHUTDOWN_DRAIN: %s is not between 0s and 5m", d)
		default:
			c.ShutdownDrain = d
		}
	}
	c.BackupKeep = 7
	if v := get("BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			fail("BACKUP_KEEP: %q is not a number between 1 and 10000", v)
		} else {
			c.BackupKeep = n
		}
	}
	c.Photos.Storage = PhotoStorageDisk
	switch v := strings.ToLower(get("PHOTO_STORAGE")); v {
	case "", PhotoStorageDisk:
	case PhotoStorageS3:
		c.Photos.Storage = PhotoStorageS3
	default:
		fail("PHOTO_STORAGE: unknown storage %q (want disk or s3)", v)
	}
	c.Photos.S3Endpoint = strings.TrimRight(get("S3_ENDPOINT"), "/")
	c.Photos.S3Bucket = get("S3_BUCKET")
	c.Photos.S3Region = get("S3_REGION")
	c.Photos.S3AccessKeyID = get("S3_ACCESS_KEY_ID")
	c.Photos.S3SecretAccessKey = getenv("S3_SECRET_ACCESS_KEY") // verbatim, like SECRET_KEY
	c.Photos.S3PathStyle = boolVar("S3_PATH_STYLE")
	c.Photos.PublicBaseURL = strings.TrimRight(get("PHOTO_PUBLIC_BASE_URL"), "/")

	c.MaintenanceStartRaw = get("MAINTENANCE_START_DATE")
	if c.MaintenanceStartRaw != "" {
		c.MaintenanceStart, c.maintenanceErr = ParseMaintenanceDate(c.MaintenanceStartRaw)
	}

	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// IsPostgres reports whether DATABASE_URL selects PostgreSQL
// (postgres:// or postgresql://).
func (c *Config) IsPostgres() bool { return dburl.IsPostgres(c.DatabaseURL) }

// SQLitePath returns the file path of a SQLite DATABASE_URL. It accepts
// "sqlite:path", "sqlite://path", "file:path", "file://path" or a plain path,
// and strips any "?query". It returns "" when DATABASE_URL is PostgreSQL.
func (c *Config) SQLitePath() string { return dburl.SQLitePath(c.DatabaseURL) }

// MetricsEnabled reports whether the metrics listener should run
// (METRICS_ADDR is not "off").
func (c *Config) MetricsEnabled() bool { return c.MetricsAddr != "" }

// LogValue implements slog.LogValuer so that logging a Config never prints
// its secrets.
func (c *Config) LogValue() slog.Value {
	db := c.DatabaseURL
	if u, err := url.Parse(db); err == nil && u.User != nil {
		db = u.Redacted()
	}
	proxies := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		proxies[i] = p.String()
	}
	return slog.GroupValue(
		slog.String("env", c.Env),
		slog.Bool("secret_key_set", c.SecretKey != ""),
		slog.String("database_url", db),
		slog.String("data_dir", c.DataDir),
		slog.String("addr", c.Addr),
		slog.String("public_url", c.PublicURL),
		slog.String("trusted_proxies", strings.Join(proxies, ",")),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.String("mail_server", c.Mail.Server),
		slog.Int("mail_port", c.Mail.Port),
		slog.Bool("mail_use_tls", c.Mail.UseTLS),
		slog.Bool("mail_use_ssl", c.Mail.UseSSL),
		slog.Bool("mail_password_set", c.Mail.Password != ""),
		slog.String("mail_from", c.Mail.From),
		slog.String("maintenance_start_date", c.MaintenanceStartRaw),
		slog.Bool("maintenance_mode", c.MaintenanceMode),
		slog.String("photo_storage", c.Photos.Storage),
		slog.String("s3_endpoint", c.Photos.S3Endpoint),
		slog.String("s3_bucket", c.Photos.S3Bucket),
		slog.Bool("s3_secret_access_key_set", c.Photos.S3SecretAccessKey != ""),
		slog.String("photo_public_base_url", c.Photos.PublicBaseURL),
	)
}

// ParseMaintenanceDate parses a MAINTENANCE_START_DATE value. Values without
// a UTC offset ("2026-12-01 08:00:00", "2026-12-01 08:00", "2026-12-01",
// "2026-12-01T08:00:00", "2026-12-01T08:00") are read in Europe/Paris; values
// with one ("2026-12-01T08:00:00+01:00", "2026-12-01T08:00Z") keep it.
func ParseMaintenanceDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.Time{}, fmt.Errorf("loading Europe/Paris: %w", err)
	}
	for _, layout := range []string{
		time.DateTime, "2006-01-02 15:04", time.DateOnly,
		"2006-01-02T15:04:05", "2006-01-02T15:04",
	} {
		if t, err := time.ParseInLocation(layout, s, paris); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("MAINTENANCE_START_DATE: %q is not a date (want 2026-12-01 08:00 or 2026-12-01T08:00:00+01:00)", s)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}
