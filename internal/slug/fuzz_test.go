package slug

import (
	"regexp"
	"testing"
)

var slugShape = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)

// FuzzMake: a slug is always lower-case ASCII words joined by single
// hyphens, bounded in length, and stable when made again.
func FuzzMake(f *testing.F) {
	for _, s := range []string{"Peugeot 208 1.2 PureTech 110 Allure", "Citroën C3", "", "---", "Œuvre ÆØÅ ß", "\x00\xff", "a/../b", "<script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Make(s)
		if !slugShape.MatchString(got) {
			t.Fatalf("Make(%q) = %q", s, got)
		}
		if len(got) > 200 {
			t.Fatalf("Make(%q) is %d bytes long", s, len(got))
		}
		if again := Make(got); again != got {
			t.Fatalf("Make is not stable: %q then %q", got, again)
		}
	})
}
