package garage

import (
	"errors"
	"strings"
)

// ErrPlate is returned by ParsePlate; its text is the French message shown
// next to the field.
var ErrPlate = errors.New("immatriculation invalide : au format AB-123-CD, ou 123 ABC 31 pour une ancienne plaque")

// MaxPlateInput bounds the text accepted as a plate before any parsing.
const MaxPlateInput = 20

// ParsePlate reads a French registration plate and returns it in its
// canonical written form: "AB-123-CD" for the SIV system (since 2009) and
// "123 ABC 31" for the older FNI system. Case, spaces and dashes in the
// input do not matter.
func ParsePlate(s string) (string, error) {
	if len(s) > MaxPlateInput {
		return "", ErrPlate
	}
	compact := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if p, ok := parseSIV(compact); ok {
		return p, nil
	}
	if p, ok := parseFNI(compact); ok {
		return p, nil
	}
	return "", ErrPlate
}

// parseSIV accepts two letters, three digits, two letters. The letters I, O
// and U are never issued (they read as 1, 0 and V), nor is the number 000,
// nor SS as the first pair.
func parseSIV(s string) (string, bool) {
	if len(s) != 7 || !sivLetters(s[:2]) || !digits(s[2:5]) || !sivLetters(s[5:]) {
		return "", false
	}
	if s[2:5] == "000" || s[:2] == "SS" {
		return "", false
	}
	return s[:2] + "-" + s[2:5] + "-" + s[5:], true
}

// parseFNI accepts one to four digits, one to three letters and a
// département (01–95, 2A, 2B, or 971–976 overseas).
func parseFNI(s string) (string, bool) {
	i := 0
	for i < len(s) && i < 4 && isDigit(s[i]) {
		i++
	}
	j := i
	for j < len(s) && j-i < 3 && isLetter(s[j]) {
		j++
	}
	if i == 0 || j == i || strings.Trim(s[:i], "0") == "" {
		return "", false
	}
	dept := s[j:]
	if !validDepartement(dept) {
		return "", false
	}
	return s[:i] + " " + s[i:j] + " " + dept, true
}

func validDepartement(d string) bool {
	switch {
	case d == "2A" || d == "2B":
		return true
	case len(d) == 2 && digits(d):
		return d >= "01" && d <= "95" && d != "20"
	case len(d) == 3 && digits(d):
		return d >= "971" && d <= "976"
	}
	return false
}

func sivLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) || s[i] == 'I' || s[i] == 'O' || s[i] == 'U' {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
