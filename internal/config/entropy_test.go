package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Issue 21: the SECRET_KEY check refused repeated patterns but let sequences such as "0123456789…"
// through. It measures entropy now, and random keys of the documented forms still pass.
func TestSecretKeyEntropy(t *testing.T) {
	random := func(n int) []byte {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return b
	}
	for range 50 { // random keys of every documented form pass, whatever the draw
		for _, k := range []string{
			base64.StdEncoding.EncodeToString(random(48)), // openssl rand -base64 48
			hex.EncodeToString(random(16)),                // 32 hex characters: the minimum length
			hex.EncodeToString(random(32)),                // openssl rand -hex 32
			base64.RawURLEncoding.EncodeToString(random(24)),
		} {
			if bits := secretKeyBits(k); bits < MinSecretKeyBits {
				t.Fatalf("random key %q measures %.0f bits", k, bits)
			}
		}
	}
	for _, k := range []string{
		"0123456789012345678901234567890123456789",
		"abcdefghijklmnopqrstuvwxyz0123456789",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		"acegikmoqsuwy02468acegikmoqsuwy0",
		"9876543210987654321098765432109876543210",
		strings.Repeat("ab", 20) + "c",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	} {
		if bits := secretKeyBits(k); bits >= MinSecretKeyBits {
			t.Errorf("%q measures %.0f bits, want it refused", k, bits)
		}
		c := &Config{Production: true, SecretKey: k}
		found := false
		for _, p := range c.Validate() {
			if p.Fatal && strings.Contains(p.Message, "SECRET_KEY est trop prévisible") {
				found = true
			}
		}
		if !found && !isPlaceholderSecret(k) {
			t.Errorf("production accepts SECRET_KEY %q", k)
		}
	}
}
