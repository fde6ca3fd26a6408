package app

import (
	"runtime/debug"
)

// DefaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set: the photo budget (photo.DefaultMemoryBudget, 160 MiB) plus the
// rest of the site, so that the garbage collector works harder before the
// process passes 300 MB instead of letting freed photo buffers pile up. It
// is soft: above it the collector runs more often (at most half the CPU),
// an allocation never fails. GOMEMLIMIT (e.g. 512MiB, or "off") overrides it.
const DefaultMemoryLimit = 256 << 20

// applyDefaultMemoryLimit sets DefaultMemoryLimit unless GOMEMLIMIT is set
// (the runtime has read it then) and returns the limit in force.
func applyDefaultMemoryLimit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(DefaultMemoryLimit)
	return DefaultMemoryLimit
}

// ApplyDefaultMemoryLimit is applyDefaultMemoryLimit for the process's
// environment (the photo memory measure uses it, to measure what serve runs).
func ApplyDefaultMemoryLimit(getenv func(string) string) int64 {
	return applyDefaultMemoryLimit(getenv)
}
