package password

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckStrength(t *testing.T) {
	for _, tc := range []struct {
		pw, email string
		want      error
	}{
		{"", "", ErrTooShort},
		{"Xk9#mPq2vL", "", ErrTooShort},
		{"ééééééééééé", "", ErrTooShort},                   // 11 runes, 22 bytes
		{"éèêëàâäîïôöù", "", nil},                          // 12 runes
		{"Zq7!dW3#rV5x", "", nil},                          // 12 characters
		{strings.Repeat("ab1-", 64), "", nil},              // 256 runes
		{strings.Repeat("ab1-", 64) + "x", "", ErrTooLong}, // 257 runes
		{strings.Repeat("a", 12), "", ErrRepeated},
		{strings.Repeat("🚗", 13), "", ErrRepeated},
		{"azertyuiop123", "", ErrCommon},
		{"AZERTYUIOP123", "", ErrCommon},
		{"123456789012", "", ErrCommon},
		{"motdepasse123", "", ErrCommon},
		{"MotDePasse2026", "", ErrCommon},
		{"Password123!", "", ErrCommon},
		{"passwordpassword", "", ErrCommon},
		{"Toulouse31000!", "", ErrCommon}, // common word + digits and punctuation
		{"Soleil!!2024??", "", ErrCommon}, // idem
		{"garageparrot", "", ErrCommon},
		{"qwertyuiopasdf", "", ErrCommon},
		{"1q2w3e4r5t6y", "", ErrCommon},
		{"chevaux bleus du Lauragais", "", nil},
		{"Toulouse rose 31 !", "", nil}, // a passphrase built on a common word
		{"vincent.parrot-2021", "vincent.parrot@garage-parrot.fr", ErrContainsEmail},
		{"xx-Vincent.Parrot@Garage-Parrot.fr", "vincent.parrot@garage-parrot.fr", ErrContainsEmail},
		{"jo-a-de-bons-freins", "jo@garage-parrot.fr", nil}, // local part too short to matter
		{"tres-long-mot-de-passe", "", nil},
		{"mot de passe\x00caché", "", ErrInvalidChars},
		{"ligne un\nligne deux", "", ErrInvalidChars},
		{"invalide \xff\xfe utf-8", "", ErrInvalidChars},
	} {
		err := CheckStrength(tc.pw, tc.email)
		if !errors.Is(err, tc.want) {
			t.Errorf("CheckStrength(%q, %q) = %v, want %v", tc.pw, tc.email, err, tc.want)
		}
	}
}

func TestWeaknessMessagesAreFrenchSentences(t *testing.T) {
	for _, e := range []WeaknessError{ErrTooShort, ErrTooLong, ErrInvalidChars, ErrRepeated, ErrCommon, ErrContainsEmail} {
		msg := e.Error()
		if !strings.HasSuffix(msg, ".") || strings.ContainsRune(msg, '\n') {
			t.Errorf("%q is not a one-line sentence", msg)
		}
		var we WeaknessError
		if !errors.As(error(e), &we) {
			t.Errorf("errors.As(%q) failed", msg)
		}
	}
}

func TestCommonList(t *testing.T) {
	long := 0
	seen := map[string]bool{}
	for line := range strings.Lines(commonList) {
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if line != strings.ToLower(line) || strings.TrimSpace(line) != line {
			t.Errorf("entry %q is not lower case and trimmed", line)
		}
		if seen[line] {
			t.Errorf("duplicate entry %q", line)
		}
		seen[line] = true
		if utf8.RuneCountInString(line) >= MinLength {
			long++
		}
		if !isCommon(line) {
			t.Errorf("isCommon(%q) = false", line)
		}
	}
	if long < 1000 {
		t.Errorf("only %d entries of %d characters or more", long, MinLength)
	}
	// Only whole lines match.
	for _, s := range []string{"", "azertyuio", "zertyuiop", "# common passwords and patterns, one a line, lower case."} {
		if isCommon(s) {
			t.Errorf("isCommon(%q) = true", s)
		}
	}
}

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := Generate()
		if len(pw) != GenerateLength {
			t.Fatalf("len(%q) = %d", pw, len(pw))
		}
		if strings.ContainsAny(pw, "0Oo1lI") {
			t.Errorf("%q contains an ambiguous character", pw)
		}
		if strings.Trim(pw, generateAlphabet) != "" {
			t.Errorf("%q contains characters outside the alphabet", pw)
		}
		if err := CheckStrength(pw, "demo@garage-parrot.fr"); err != nil {
			t.Errorf("CheckStrength(Generate() = %q) = %v", pw, err)
		}
		if seen[pw] {
			t.Errorf("Generate repeated %q", pw)
		}
		seen[pw] = true
	}
}
