package dburl

import "testing"

func TestDatabaseURLs(t *testing.T) {
	for _, c := range []struct {
		url      string
		postgres bool
		path     string
	}{
		{"postgres://u:p@h/db", true, ""},
		{"POSTGRESQL://h/db", true, ""},
		{"sqlite:./data/garage.db", false, "./data/garage.db"},
		{"sqlite:///var/lib/garage/garage.db", false, "/var/lib/garage/garage.db"},
		{"SQLite:x.db?_pragma=1", false, "x.db"},
		{"file:x.db", false, "x.db"},
		{"file:///tmp/x.db", false, "/tmp/x.db"},
		{"/tmp/garage.db", false, "/tmp/garage.db"},
	} {
		if got := IsPostgres(c.url); got != c.postgres {
			t.Errorf("IsPostgres(%q) = %v", c.url, got)
		}
		if got := SQLitePath(c.url); got != c.path {
			t.Errorf("SQLitePath(%q) = %q, want %q", c.url, got, c.path)
		}
	}
}
