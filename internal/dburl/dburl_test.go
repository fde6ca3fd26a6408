package dburl

import (
	"strings"
	"testing"
)

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

func TestPoolMaxConns(t *testing.T) {
	for _, c := range []struct {
		in, out string
		n       int
		bad     bool
	}{
		{"postgres://u:p@h/db", "postgres://u:p@h/db", 0, false},
		{"postgres://u:p@h/db?sslmode=disable&pool_max_conns=8", "postgres://u:p@h/db?sslmode=disable", 8, false},
		{"postgresql://h/db?pool_max_conns=1", "postgresql://h/db", 1, false},
		{"sqlite:x.db?pool_max_conns=3", "sqlite:x.db?pool_max_conns=3", 0, false}, // not PostgreSQL: untouched
		{"postgres://h/db?pool_max_conns=0", "", 0, true},
		{"postgres://h/db?pool_max_conns=lots", "", 0, true},
		{"postgres://h/db?pool_max_conns=", "", 0, true},
		{"postgres://h/db?pool_max_conns=1001", "", 0, true},
	} {
		out, n, err := PoolMaxConns(c.in)
		if c.bad {
			if err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
				t.Errorf("PoolMaxConns(%q): error %v, want one naming pool_max_conns", c.in, err)
			}
			continue
		}
		if err != nil || out != c.out || n != c.n {
			t.Errorf("PoolMaxConns(%q) = %q, %d, %v; want %q, %d", c.in, out, n, err, c.out, c.n)
		}
	}
}

// A malformed URL is refused without repeating its password, which would end up in the logs.
func TestPoolMaxConnsErrorHidesThePassword(t *testing.T) {
	_, _, err := PoolMaxConns("postgres://garage:s3cr3t-Mot@db:port/garage?pool_max_conns=5")
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error %v", err)
	}
}

// Issue 21: DATABASE_URL='sqlite:/tmp/x/garage.db   # comment' made the
// application check one path while the driver opened another.
func TestCheckSQLite(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"sqlite:/tmp/x/garage.db", true},
		{"sqlite:/tmp/x%41/garage.db", true},
		{"postgres://u@h/db#frag", true}, // not ours to judge
		{"sqlite:/tmp/x/garage.db   # comment", false},
		{"sqlite:/tmp/x#y/garage.db", false},
		{"sqlite:/tmp/x/garage.db?_pragma=1#x", false},
		{"sqlite:/tmp/x/garage.db   ", false},
	} {
		err := CheckSQLite(c.url)
		if (err == nil) != c.ok {
			t.Errorf("CheckSQLite(%q) = %v", c.url, err)
		}
		if err != nil && !strings.Contains(err.Error(), "DATABASE_URL") {
			t.Errorf("message %q does not name the variable", err)
		}
	}
	if got := SQLiteDSN("/tmp/a%41?b#c/garage.db", "_pragma=x"); got != "file:/tmp/a%2541%3fb%23c/garage.db?_pragma=x" {
		t.Errorf("SQLiteDSN = %q", got)
	}
}
