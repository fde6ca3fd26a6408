package spam

import (
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	s := NewSigner([]byte("clé de test"))
	shown := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	tok := s.Stamp("contact", shown)
	for _, tc := range []struct {
		name, purpose, token, honeypot string
		at                             time.Duration
		want                           Verdict
	}{
		{"human", "contact", tok, "", 40 * time.Second, OK},
		{"just in time", "contact", tok, "", MinFillTime, OK},
		{"honeypot", "contact", tok, "http://spam.example", time.Minute, Honeypot},
		{"too fast", "contact", tok, "", 2 * time.Second, TooFast},
		{"too old", "contact", tok, "", MaxFormAge + time.Second, TooOld},
		{"other form", "avis", tok, "", time.Minute, BadSignature},
		{"no token", "contact", "", "", time.Minute, BadSignature},
		{"forged time", "contact", "1000" + tok[10:], "", time.Minute, BadSignature},
		{"garbage", "contact", "abc.def", "", time.Minute, BadSignature},
	} {
		if got := s.Check(tc.purpose, tc.token, tc.honeypot, shown.Add(tc.at)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if NewSigner([]byte("autre clé")).Check("contact", tok, "", shown.Add(time.Minute)) != BadSignature {
		t.Error("a token signed with another key was accepted")
	}
}

// A stamp is the same for a whole second (the page cache shares it), never for another purpose or second.
func TestStampReuseIsPerPurposeAndSecond(t *testing.T) {
	s := NewSigner([]byte("clé de test"))
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	contact := s.Stamp("contact", at)
	if again := s.Stamp("contact", at.Add(999*time.Millisecond)); again != contact {
		t.Errorf("same second, new token: %q then %q", contact, again)
	}
	review := s.Stamp("avis", at)
	if review == contact || s.Check("avis", review, "", at.Add(time.Minute)) != OK ||
		s.Check("contact", review, "", at.Add(time.Minute)) != BadSignature {
		t.Errorf("the review form's stamp %q is not its own (contact: %q)", review, contact)
	}
	next := s.Stamp("contact", at.Add(time.Second))
	if next == contact || s.Check("contact", next, "", at.Add(time.Second+MinFillTime)) != OK {
		t.Errorf("next second: %q (was %q)", next, contact)
	}
	if s.Check("contact", next, "", at.Add(MinFillTime)) != TooFast {
		t.Error("the next second's stamp does not carry its own time")
	}
}

func TestProbableSpam(t *testing.T) {
	if ProbableSpam("Bonjour, la 208 est-elle disponible ? Voir https://exemple.fr/annonce") {
		t.Error("one link is not spam")
	}
	if !ProbableSpam("Cheap https://a.example http://b.example", "www.c.example") {
		t.Error("three links are probable spam")
	}
}
