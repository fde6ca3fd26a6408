// Package spam holds the contact forms' protection without CAPTCHA: a
// signed form-render time (a bot that posts at once, or replays an old
// form, is noticed), a honeypot field, and a link count that marks a
// message as probable spam. It has no HTTP in it.
package spam

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Timing limits of a form: filled faster than MinFillTime is a bot, older
// than MaxFormAge is a replay.
const (
	MinFillTime = 3 * time.Second
	MaxFormAge  = 24 * time.Hour
)

// Verdict is what Check concludes about a submission.
type Verdict int

// The verdicts. Every verdict but OK is dropped silently: the sender sees
// the same answer as for a real message.
const (
	OK           Verdict = iota
	Honeypot             // the hidden field was filled
	BadSignature         // missing or forged render time
	TooFast              // posted less than MinFillTime after the form was shown
	TooOld               // posted more than MaxFormAge after
)

func (v Verdict) String() string {
	return [...]string{"ok", "honeypot", "bad_signature", "too_fast", "too_old"}[v]
}

// Signer signs and checks form-render times with HMAC-SHA256.
type Signer struct {
	key []byte
}

// NewSigner returns a signer with key (the application's SECRET_KEY, or a
// random per-process key in development).
func NewSigner(key []byte) *Signer {
	return &Signer{key: append([]byte(nil), key...)}
}

// Stamp returns the token to put in a form rendered at t for purpose
// (e.g. "contact"): the Unix time and its MAC. It only changes once a
// second, which the page cache relies on.
func (s *Signer) Stamp(purpose string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return ts + "." + s.mac(purpose, ts)
}

func (s *Signer) mac(purpose, ts string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("form-time\x00" + purpose + "\x00" + ts))
	return hex.EncodeToString(h.Sum(nil))
}

// Check judges a submission of a purpose form at now: the token from the
// form and the honeypot field's value.
func (s *Signer) Check(purpose, token, honeypot string, now time.Time) Verdict {
	if strings.TrimSpace(honeypot) != "" {
		return Honeypot
	}
	ts, mac, ok := strings.Cut(token, ".")
	if !ok || len(ts) > 20 || !hmac.Equal([]byte(mac), []byte(s.mac(purpose, ts))) {
		return BadSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return BadSignature
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age < MinFillTime:
		return TooFast
	case age > MaxFormAge:
		return TooOld
	}
	return OK
}

// MaxLinks is how many links a message may carry before it is marked as
// probable spam (kept, but not announced by e-mail).
const MaxLinks = 2

var linkRe = regexp.MustCompile(`(?i)(https?://|www\.|\[url|<a\s)`)

// CountLinks counts the links in text.
func CountLinks(text string) int { return len(linkRe.FindAllStringIndex(text, -1)) }

// ProbableSpam reports whether a message looks like spam: too many links.
func ProbableSpam(texts ...string) bool {
	n := 0
	for _, t := range texts {
		n += CountLinks(t)
	}
	return n > MaxLinks
}
