// Package password hashes and verifies staff passwords with argon2id, and
// judges the strength of new ones.
//
// Hashes are stored in the PHC string format used by the reference
// implementation and most libraries:
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>
//
// with salt and key in unpadded standard base64.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Limits on the parameters read from an encoded hash, so that a tampered
// hash cannot make Verify exhaust the server.
const (
	MaxMemory      = 1024 * 1024 // KiB, i.e. 1 GiB
	MaxIterations  = 10
	MaxParallelism = 16
	minSaltLen     = 8
	maxSaltLen     = 64
	minKeyLen      = 16
	maxKeyLen      = 128
)

// Errors returned by Verify for an encoded hash it cannot use.
var (
	ErrMalformedHash       = errors.New("password: malformed argon2id hash")
	ErrIncompatibleVersion = errors.New("password: unsupported argon2 version")
	ErrUnsafeParams        = errors.New("password: argon2id parameters out of bounds")
)

// Params are the argon2id cost parameters.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLen     uint32 // bytes
	KeyLen      uint32 // bytes
}

// DefaultParams returns the parameters for new hashes: 64 MiB, 3 passes,
// 2 lanes, a 16-byte salt and a 32-byte key (the second recommendation of
// RFC 9106, with more passes).
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLen: 16, KeyLen: 32}
}

// Hasher hashes and verifies argon2id passwords, bounding how many hashes run
// at once (each one takes Params.Memory). It is safe for concurrent use.
type Hasher struct {
	params Params
	sem    chan struct{}
	// dummy is a hash with the current parameters and a random key that no
	// password produces, for DummyVerify.
	dummy func() string
	// computed, when set (Observe), is called before each argon2id key is
	// computed: tests count the evaluations a throttle lets through.
	computed func()
}

// Observe makes f be called before every argon2id computation (Hash,
// Verify, DummyVerify). Call it before the Hasher is used.
func (h *Hasher) Observe(f func()) { h.computed = f }

// NewHasher returns a Hasher producing hashes with p, running at most
// maxConcurrent hashes at once (at least 1). Zero fields of p take the value
// of DefaultParams; fields outside the bounds that Verify accepts are brought
// within them, so that every hash made can be verified.
func NewHasher(p Params, maxConcurrent int) *Hasher {
	d := DefaultParams()
	if p.Memory == 0 {
		p.Memory = d.Memory
	}
	if p.Iterations == 0 {
		p.Iterations = d.Iterations
	}
	if p.Parallelism == 0 {
		p.Parallelism = d.Parallelism
	}
	if p.SaltLen == 0 {
		p.SaltLen = d.SaltLen
	}
	if p.KeyLen == 0 {
		p.KeyLen = d.KeyLen
	}
	p.Iterations = min(p.Iterations, MaxIterations)
	p.Parallelism = min(p.Parallelism, MaxParallelism)
	p.Memory = min(max(p.Memory, 8*uint32(p.Parallelism)), MaxMemory)
	p.SaltLen = min(max(p.SaltLen, minSaltLen), maxSaltLen)
	p.KeyLen = min(max(p.KeyLen, minKeyLen), maxKeyLen)
	h := &Hasher{params: p, sem: make(chan struct{}, max(maxConcurrent, 1))}
	h.dummy = sync.OnceValue(func() string {
		// A random key stands in for a real one: checking a password against
		// it costs exactly what a real Verify costs, and it never matches.
		return encode(p, randomBytes(p.SaltLen), randomBytes(p.KeyLen))
	})
	return h
}

// Params returns the parameters of new hashes.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC-encoded argon2id hash of password with a fresh random
// salt. It waits for a free slot first, returning ctx.Err() if ctx ends
// before one is free.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	if h.computed != nil {
		h.computed()
	}
	salt := randomBytes(h.params.SaltLen)
	key := argon2.IDKey([]byte(password), salt, h.params.Iterations, h.params.Memory, h.params.Parallelism, h.params.KeyLen)
	return encode(h.params, salt, key), nil
}

// Verify reports whether password matches encoded, using the parameters
// recorded in encoded and a constant-time comparison. It returns an error
// wrapping ErrMalformedHash, ErrIncompatibleVersion or ErrUnsafeParams when
// encoded cannot be used, and ctx.Err() when ctx ends while waiting for a
// free slot.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if h.computed != nil {
		h.computed()
	}
	other := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	return subtle.ConstantTimeCompare(key, other) == 1, nil
}

// DummyVerify does the work of a Verify with the current parameters and
// throws the result away. Call it when the account does not exist, so that
// a login for an unknown address takes as long as one for a known address.
func (h *Hasher) DummyVerify(ctx context.Context, password string) {
	_, _ = h.Verify(ctx, password, h.dummy())
}

// NeedsRehash reports whether encoded was made with other parameters than
// the Hasher's (or cannot be read), so that it should be replaced by a new
// hash at the next successful login.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != h.params
}

func (h *Hasher) acquire(ctx context.Context) error {
	// A context that has already ended never gets a slot, even a free one.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees the slot. When the last running hash ends and the hashes are big, the memory they took is
// handed back at once: otherwise the garbage collector, which sized its next goal while a 64 MiB block was
// live, would let the heap grow to twice that before collecting again, and the process would keep that peak
// (measured in docs/performance.md: 92 MB after a login, 165 MB under the following load; 40 MB with this).
func (h *Hasher) release() {
	<-h.sem
	if h.params.Memory >= freeAfterMemory && len(h.sem) == 0 {
		debug.FreeOSMemory()
	}
}

// freeAfterMemory (KiB) is the hash size from which release gives the memory back.
const freeAfterMemory = 32 * 1024

func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string and checks its parameters against the
// package limits.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	var version int
	if n, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || n != 1 || parts[2] != fmt.Sprintf("v=%d", version) {
		return p, nil, nil, ErrMalformedHash
	}
	if version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: v=%d", ErrIncompatibleVersion, version)
	}
	var m, t, par uint64
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &par); err != nil || n != 3 ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, par) {
		return p, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	switch {
	case t < 1 || t > MaxIterations,
		par < 1 || par > MaxParallelism,
		m < 8*par || m > MaxMemory,
		len(salt) < minSaltLen || len(salt) > maxSaltLen,
		len(key) < minKeyLen || len(key) > maxKeyLen:
		return p, nil, nil, fmt.Errorf("%w: m=%d, t=%d, p=%d, salt %d bytes, key %d bytes",
			ErrUnsafeParams, m, t, par, len(salt), len(key))
	}
	p = Params{
		Memory: uint32(m), Iterations: uint32(t), Parallelism: uint8(par),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key)),
	}
	return p, salt, key, nil
}

func randomBytes(n uint32) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return b
}
