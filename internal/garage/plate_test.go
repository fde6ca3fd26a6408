package garage

import (
	"errors"
	"testing"
)

func TestParsePlate(t *testing.T) {
	good := map[string]string{
		"AB-123-CD":   "AB-123-CD",
		"ab123cd":     "AB-123-CD",
		" fg 456 hj ": "FG-456-HJ",
		"123 ABC 31":  "123 ABC 31",
		"123abc31":    "123 ABC 31",
		"1 A 2A":      "1 A 2A",
		"9999 ZZ 974": "9999 ZZ 974",
		"45-bt-75":    "45 BT 75",
	}
	for in, want := range good {
		got, err := ParsePlate(in)
		if err != nil || got != want {
			t.Errorf("ParsePlate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{
		"", "AB-000-CD", "AI-123-CD", "AB-123-CO", "UB-123-CD", "SS-123-AB", "AB-1234-CD",
		"A-123-CD", "123 ABC 20", "123 ABC 96", "123 ABC 977", "0 AB 31", "12345 AB 31",
		"123 ABCD 31", "ABC 31", "AB-123-C<", "AB–123–CD", "AB-123-CD-EF-GH-IJ-KL",
	}
	for _, in := range bad {
		if got, err := ParsePlate(in); !errors.Is(err, ErrPlate) {
			t.Errorf("ParsePlate(%q) = %q, %v; want ErrPlate", in, got, err)
		}
	}
}

func FuzzParsePlate(f *testing.F) {
	for _, s := range []string{"AB-123-CD", "123 ABC 31", "1 A 2A", "", "---"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlate(s)
		if err != nil {
			return
		}
		// The canonical form parses to itself.
		if again, err := ParsePlate(p); err != nil || again != p {
			t.Fatalf("ParsePlate(%q) = %q, but ParsePlate(%q) = %q, %v", s, p, p, again, err)
		}
	})
}
