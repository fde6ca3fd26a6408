// Package dburl reads a DATABASE_URL: which engine it names and, for
// SQLite, which file. The config and the store both use it, so they always
// agree.
package dburl

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// IsPostgres reports whether url designates PostgreSQL ("postgres://" or
// "postgresql://", in any case).
func IsPostgres(url string) bool {
	u := strings.ToLower(url)
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// SQLitePath returns the file path of a SQLite URL: "sqlite:path",
// "sqlite://path", "file:path", "file://path" or a plain path; a query
// string is dropped. It returns "" for a PostgreSQL URL.
func SQLitePath(url string) string {
	if IsPostgres(url) {
		return ""
	}
	p := url
	for _, prefix := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			p = p[len(prefix):]
			break
		}
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// CheckSQLite refuses a SQLite path the driver would read differently from
// the file system: a "#" (SQLite's URI syntax starts a fragment there, and
// it is most often a comment left in an environment file, which systemd's
// EnvironmentFile keeps as part of the value) or blanks at either end.
// PostgreSQL URLs are not checked here.
func CheckSQLite(url string) error {
	if IsPostgres(url) {
		return nil
	}
	p := SQLitePath(url)
	if i := strings.IndexByte(url, '#'); i >= 0 {
		return fmt.Errorf("DATABASE_URL: the SQLite path %q holds a \"#\" (a comment left after the value? put comments on a line of their own); rename the file or directory if it really has one", p)
	}
	if strings.TrimSpace(p) != p {
		return fmt.Errorf("DATABASE_URL: the SQLite path %q starts or ends with a blank", p)
	}
	return nil
}

// SQLiteDSN is the driver's name for the file at path with the given query
// parameters: a "file:" URI in which the characters SQLite would decode
// ("%") or take as delimiters ("?", "#") are escaped, so that the driver
// opens exactly path.
func SQLiteDSN(path, params string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?" + params
}

// MaxPoolConns bounds pool_max_conns.
const MaxPoolConns = 1000

// PoolMaxConns takes the pool_max_conns parameter (the name pgxpool uses)
// out of a PostgreSQL URL: it returns the URL without it and its value, 0
// when absent. The parameter must not reach PostgreSQL, which refuses
// unknown run-time parameters. Other URLs are returned unchanged.
func PoolMaxConns(raw string) (string, int, error) {
	if !IsPostgres(raw) || !strings.Contains(raw, "pool_max_conns") {
		return raw, 0, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return raw, 0, fmt.Errorf("DATABASE_URL: %w", err)
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		return raw, 0, nil
	}
	v := q.Get("pool_max_conns")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPoolConns {
		return raw, 0, fmt.Errorf("DATABASE_URL: pool_max_conns=%q is not a number of connections between 1 and %d", v, MaxPoolConns)
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}
