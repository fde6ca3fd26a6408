package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"github.com/vparrot/garage/internal/config"
)

func TestLimitIPCountsIPv6By64(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                 "192.0.2.7",
		"2001:db8:1:2:aaaa::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":           "2001:db8:1:3::/64",
		"::ffff:192.0.2.7":          "::ffff:192.0.2.7",
		"not an address":            "not an address",
	} {
		if got := limitIP(in); got != want {
			t.Errorf("limitIP(%q) = %q, want %q", in, got, want)
		}
	}
}

// xffTransport sends every request as if forwarded for the address next() gives.
type xffTransport struct{ next func() string }

func (x xffTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", x.next())
	return http.DefaultTransport.RoundTrip(r)
}

// Issue 21: per-IP limits counted IPv6 addresses one by one, so a visitor rotating through the addresses
// of their /64 had no limit. Behind a trusted proxy, messages from ever-new addresses of one /64 are
// limited together; another /64 is not.
func TestContactLimitCountsIPv6By64(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	n := 0
	network := "2001:db8:1:2"
	c := e.client()
	c.Transport = xffTransport{func() string { n++; return fmt.Sprintf("%s:%x::%x", network, n, n) }}
	for i := range contactLimit {
		if res := e.sendContact(c, validContact()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("message %d: %d", i+1, res.StatusCode)
		}
	}
	if res := e.sendContact(c, validContact()); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a new address of the same /64: %d, want 429", res.StatusCode)
	}
	network = "2001:db8:1:3"
	if res := e.sendContact(c, validContact()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another /64: %d", res.StatusCode)
	}
}
