// Package dburl reads a DATABASE_URL: which engine it names and, for
// SQLite, which file. The config and the store both use it, so they always
// agree.
package dburl

import "strings"

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
