package garage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// SubmissionKey identifies one submission of a public form, so that a
// retried POST stores nothing twice: the form's purpose, its signed stamp
// (the "jeton", which the page cache shares between the visitors of one
// second) and the normalised fields the visitor sent. The same stamp with the
// same content is the same submission; two visitors sharing a stamp send
// different content. Each part is length-prefixed, so no two lists of parts
// give the same input to the hash.
func SubmissionKey(purpose, stamp string, fields ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, part := range append([]string{purpose, stamp}, fields...) {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}
