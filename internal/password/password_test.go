package password

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fast are cheap parameters so that tests run quickly.
var fast = Params{Memory: 256, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

func TestHashFormatWithDefaults(t *testing.T) {
	h := NewHasher(DefaultParams(), 2)
	enc, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(enc) {
		t.Errorf("hash %q does not match %s", enc, re)
	}
	ok, err := h.Verify(context.Background(), "correct horse battery staple", enc)
	if !ok || err != nil {
		t.Errorf("Verify = %v, %v", ok, err)
	}
	if h.NeedsRehash(enc) {
		t.Error("NeedsRehash of a fresh hash")
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fast, 4)
	for _, pw := range []string{"", "a", "Vincent-Parrot 2021 !", "mot de passe avec é, ç et 🚗", strings.Repeat("x", 300)} {
		enc, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := h.Verify(ctx, pw, enc); !ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v", pw, ok, err)
		}
		if ok, err := h.Verify(ctx, pw+"x", enc); ok || err != nil {
			t.Errorf("Verify(wrong password for %q) = %v, %v", pw, ok, err)
		}
		enc2, _ := h.Hash(ctx, pw)
		if enc == enc2 {
			t.Errorf("two hashes of %q are equal: the salt is not random", pw)
		}
	}
}

func TestVerifyUsesEncodedParams(t *testing.T) {
	ctx := context.Background()
	old := NewHasher(Params{Memory: 128, Iterations: 2, Parallelism: 1, SaltLen: 8, KeyLen: 16}, 1)
	enc, err := old.Hash(ctx, "ancien-mot-de-passe")
	if err != nil {
		t.Fatal(err)
	}
	h := NewHasher(fast, 1)
	if ok, err := h.Verify(ctx, "ancien-mot-de-passe", enc); !ok || err != nil {
		t.Errorf("Verify with other params = %v, %v", ok, err)
	}
	if !h.NeedsRehash(enc) {
		t.Error("NeedsRehash = false for other params")
	}
	if !h.NeedsRehash("not a hash") {
		t.Error("NeedsRehash = false for garbage")
	}
}

func TestVerifyKnownVector(t *testing.T) {
	// A test vector of golang.org/x/crypto/argon2 (argon2id, t=3, m=256 KiB,
	// p=2, password "password", salt "somesalt"), in PHC form.
	const enc = "$argon2id$v=19$m=256,t=3,p=2$c29tZXNhbHQ$RmjTCsQYfmh47t6s8P2DxaCjDbLMFu8L"
	h := NewHasher(fast, 1)
	if ok, err := h.Verify(context.Background(), "password", enc); !ok || err != nil {
		t.Errorf("Verify(reference vector) = %v, %v", ok, err)
	}
}

func TestVerifyRejectsBadHashes(t *testing.T) {
	salt, key := "c29tZXNhbHRzb21lc2FsdA", "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	for _, tc := range []struct {
		name, enc string
		want      error
	}{
		{"empty", "", ErrMalformedHash},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrMalformedHash},
		{"argon2i", "$argon2i$v=19$m=256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"missing part", "$argon2id$v=19$m=256,t=1,p=1$" + salt, ErrMalformedHash},
		{"extra part", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + key + "$x", ErrMalformedHash},
		{"bad version", "$argon2id$v=x$m=256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"old version", "$argon2id$v=16$m=256,t=1,p=1$" + salt + "$" + key, ErrIncompatibleVersion},
		{"bad params", "$argon2id$v=19$m=256;t=1;p=1$" + salt + "$" + key, ErrMalformedHash},
		{"params order", "$argon2id$v=19$t=1,m=256,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"params trailing", "$argon2id$v=19$m=256,t=1,p=1,x=2$" + salt + "$" + key, ErrMalformedHash},
		{"negative", "$argon2id$v=19$m=-256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"padded salt", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "==$" + key, ErrMalformedHash},
		{"bad base64", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$!!!!", ErrMalformedHash},
		{"memory too large", "$argon2id$v=19$m=1048577,t=1,p=1$" + salt + "$" + key, ErrUnsafeParams},
		{"memory too small", "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key, ErrUnsafeParams},
		{"too many iterations", "$argon2id$v=19$m=256,t=11,p=1$" + salt + "$" + key, ErrUnsafeParams},
		{"zero iterations", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key, ErrUnsafeParams},
		{"zero parallelism", "$argon2id$v=19$m=256,t=1,p=0$" + salt + "$" + key, ErrUnsafeParams},
		{"parallelism overflow", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key, ErrUnsafeParams},
		{"huge memory", "$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"short salt", "$argon2id$v=19$m=256,t=1,p=1$c2FsdA$" + key, ErrUnsafeParams},
		{"short key", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$a2V5", ErrUnsafeParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := NewHasher(fast, 1).Verify(context.Background(), "password", tc.enc)
			if ok || !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, %v; want false, %v", ok, err, tc.want)
			}
		})
	}
	// The bounds themselves are accepted.
	enc := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=1$%s$%s", 8, MaxIterations, salt, key)
	if _, err := NewHasher(fast, 1).Verify(context.Background(), "password", enc); err != nil {
		t.Errorf("Verify at the bounds: %v", err)
	}
}

func TestConcurrencyBound(t *testing.T) {
	h := NewHasher(fast, 1)
	// Hold the only slot, as a long hash would.
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	enc := "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash while busy = %v, want DeadlineExceeded", err)
	}
	if _, err := h.Verify(ctx, "x", enc); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify while busy = %v, want DeadlineExceeded", err)
	}
	h.DummyVerify(ctx, "x") // returns instead of blocking

	h.release()
	if _, err := h.Hash(context.Background(), "x"); err != nil {
		t.Errorf("Hash after release: %v", err)
	}
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := h.Hash(canceled, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with a canceled context = %v", err)
	}
}

func TestConcurrencyNeverExceedsBound(t *testing.T) {
	const bound = 2
	h := NewHasher(fast, bound)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if p := peak.Load(); p > bound {
		t.Errorf("peak concurrency %d > %d", p, bound)
	}
	if cap(NewHasher(fast, 0).sem) != 1 {
		t.Error("maxConcurrent 0 is not raised to 1")
	}
}

func TestDummyVerify(t *testing.T) {
	h := NewHasher(fast, 1)
	first := h.dummy()
	if first != h.dummy() {
		t.Error("dummy hash computed twice")
	}
	if _, _, _, err := decode(first); err != nil || h.NeedsRehash(first) {
		t.Errorf("dummy hash %q unusable: %v", first, err)
	}
	h.DummyVerify(context.Background(), "anything")
	// The slot was released.
	if _, err := h.Hash(context.Background(), "x"); err != nil {
		t.Error(err)
	}
}

func TestNewHasherZeroParams(t *testing.T) {
	if got := NewHasher(Params{}, 1).Params(); got != DefaultParams() {
		t.Errorf("Params() = %+v, want defaults", got)
	}
}

func TestNewHasherClampsParams(t *testing.T) {
	h := NewHasher(Params{Memory: 1, Iterations: 50, Parallelism: 200, SaltLen: 1, KeyLen: 4096}, 1)
	want := Params{Memory: 8 * MaxParallelism, Iterations: MaxIterations, Parallelism: MaxParallelism, SaltLen: minSaltLen, KeyLen: maxKeyLen}
	if got := h.Params(); got != want {
		t.Fatalf("Params() = %+v, want %+v", got, want)
	}
	if _, _, _, err := decode(h.dummy()); err != nil {
		t.Errorf("a hash with clamped params does not decode: %v", err)
	}
}
