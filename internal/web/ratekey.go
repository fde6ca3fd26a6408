package web

import (
	"context"
	"net/netip"
)

// limitIPFrom is the visitor's address as the per-IP rate limits count it:
// an IPv4 address as is, an IPv6 address by its /64 (one subscriber's
// network: whoever holds one has 2^64 addresses to rotate through, so
// counting them one by one would be no limit at all). The audit log and
// the request log keep the full address (clientIPFrom).
func limitIPFrom(ctx context.Context) string { return limitIP(clientIPFrom(ctx)) }

func limitIP(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || !addr.Is6() || addr.Is4In6() {
		return ip
	}
	p, err := addr.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
