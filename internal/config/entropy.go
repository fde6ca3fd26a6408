package config

import "math"

// MinSecretKeyBits is the least entropy accepted in a SECRET_KEY, as
// measured by secretKeyBits. 32 random hexadecimal characters (128 bits)
// measure about 115; a 36-character sequence such as "abc…xyz0…9" measures
// under 10.
const MinSecretKeyBits = 96

// secretKeyBits estimates the entropy of k in bits, from the value itself
// rather than from a list of bad keys: its length times the lesser of two
// per-character Shannon entropies, that of its characters (low for "aaaa…"
// or a two-letter alphabet) and that of the steps between consecutive
// characters (low for sequences such as "0123456789…" or "acegi…", whose
// characters are all different but follow each other by the same step).
func secretKeyBits(k string) float64 {
	if len(k) < 2 {
		return 0
	}
	chars := map[byte]int{}
	steps := map[byte]int{}
	for i := 0; i < len(k); i++ {
		chars[k[i]]++
		if i > 0 {
			steps[k[i]-k[i-1]]++
		}
	}
	return float64(len(k)) * min(shannon(chars, len(k)), shannon(steps, len(k)-1))
}

func shannon(counts map[byte]int, n int) float64 {
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}
