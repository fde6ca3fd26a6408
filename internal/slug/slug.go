// Package slug turns French titles into stable URL segments:
// "Peugeot 208 1.2 PureTech 110 Allure" → "peugeot-208-1-2-puretech-110-allure".
package slug

import (
	"strings"
	"unicode"
)

// MaxLen bounds a slug's length in bytes; a longer one is cut at a dash.
const MaxLen = 80

// latin maps accented Latin letters (lower case) to ASCII.
var latin = buildLatin()

func buildLatin() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő",
		"r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
		"oe": "œ", "ae": "æ", "ss": "ß",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}

// Make returns the slug of s: ASCII lower-case letters and digits joined by
// single dashes, accents removed. It returns "" when s has no letter or digit.
func Make(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent
		}
		if l, ok := latin[unicode.ToLower(r)]; ok {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(l)
			continue
		}
		r = unicode.ToLower(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > MaxLen {
		out = out[:MaxLen]
		if i := strings.LastIndexByte(out, '-'); i > MaxLen/2 {
			out = out[:i]
		}
		out = strings.Trim(out, "-")
	}
	return out
}
