package app

import (
	"math"
	"runtime/debug"
	"testing"
)

// Without GOMEMLIMIT, serve runs under DefaultMemoryLimit; with it, the
// runtime's own reading of the variable stands.
func TestDefaultMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })

	debug.SetMemoryLimit(math.MaxInt64)
	if got := applyDefaultMemoryLimit(func(string) string { return "" }); got != DefaultMemoryLimit || debug.SetMemoryLimit(-1) != DefaultMemoryLimit {
		t.Fatalf("limit %d without GOMEMLIMIT, want %d", debug.SetMemoryLimit(-1), DefaultMemoryLimit)
	}
	debug.SetMemoryLimit(1 << 30) // as the runtime would have read GOMEMLIMIT=1GiB
	env := map[string]string{"GOMEMLIMIT": "1GiB"}
	if got := applyDefaultMemoryLimit(func(k string) string { return env[k] }); got != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("GOMEMLIMIT=1GiB overridden: %d", debug.SetMemoryLimit(-1))
	}
}
