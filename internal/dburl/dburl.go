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
