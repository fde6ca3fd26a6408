package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// A cached page is compressed once, when it is stored, and sent compressed to every browser that accepts
// gzip. A page with a form holds a fresh anti-spam stamp per visitor, which a precompressed body cannot
// contain; so the page is cut at its stamp placeholders and each piece of text is compressed on its own
// as raw deflate, ending on a byte boundary (a sync flush) with no "last block" flag. Serving is then
// a copy: the gzip header, each compressed piece, each visitor's stamp as a stored (uncompressed) deflate
// block, and the trailer, whose CRC-32 is computed over the page as sent. Every piece starts at a block
// boundary and refers to nothing before it, so the whole is one valid gzip stream.

type gzipPage struct {
	whole []byte // the complete gzip body, when the page has no stamps

	text     stampedText
	deflated [][]byte // each part of text as raw deflate; the last one carries the final block
}

// stampedText is a page cut at its stamp placeholders.
type stampedText struct {
	parts    [][]byte // the text between stamps (len(purposes)+1 pieces, sharing the page's bytes)
	purposes []string // the form purpose of each stamp
	textLen  int      // total length of the parts
}

// splitStamps cuts body at its stamp placeholders.
func splitStamps(body []byte) stampedText {
	var t stampedText
	rest := body
	for {
		i := bytes.Index(rest, []byte(stampPlaceholder))
		if i < 0 {
			break
		}
		purpose := stampPurposeAt(rest[i+len(stampPlaceholder):])
		t.parts = append(t.parts, rest[:i])
		t.purposes = append(t.purposes, purpose)
		rest = rest[i+len(stampPlaceholder)+len(purpose):]
	}
	t.parts = append(t.parts, rest)
	for _, p := range t.parts {
		t.textLen += len(p)
	}
	return t
}

// fill returns the page with stamp(purpose) at each placeholder, appended to dst[:0] (a pooled buffer,
// see serveCached): the stored bytes themselves when the page has no stamps.
func (t stampedText) fill(dst []byte, stamp func(purpose string) string) []byte {
	if len(t.purposes) == 0 {
		return t.parts[0]
	}
	out := dst[:0]
	for i, part := range t.parts {
		out = append(out, part...)
		if i < len(t.purposes) {
			out = append(out, stamp(t.purposes[i])...)
		}
	}
	return out
}

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // no name, no time, unknown OS

// newGzipPageOf compresses a page already cut at its stamps. A page without stamps is one piece, whose
// complete gzip body is assembled once.
func newGzipPageOf(text stampedText) (*gzipPage, error) {
	g := &gzipPage{text: text}
	for i, part := range text.parts {
		var buf bytes.Buffer
		zw, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(part); err != nil {
			return nil, err
		}
		if i < len(text.parts)-1 {
			err = zw.Flush() // byte-aligned, not final
		} else {
			err = zw.Close() // the final block
		}
		if err != nil {
			return nil, err
		}
		g.deflated = append(g.deflated, buf.Bytes())
	}
	if len(text.purposes) == 0 {
		g.whole, g.deflated = g.body(nil, nil), nil
	}
	return g, nil
}

// stampPurposeAt reads the purpose that follows a placeholder: one of the known forms.
func stampPurposeAt(b []byte) string {
	for _, p := range []string{contactForm, reviewForm} {
		if bytes.HasPrefix(b, []byte(p)) {
			return p
		}
	}
	return ""
}

// body returns the gzip body of the page with stamp(purpose) at each placeholder, appended to dst[:0] (a
// pooled buffer) unless the page has no stamps.
func (g *gzipPage) body(dst []byte, stamp func(purpose string) string) []byte {
	if g.whole != nil {
		return g.whole
	}
	out := append(dst[:0], gzipHeader...)
	crc := uint32(0)
	n := g.text.textLen
	for i, d := range g.deflated {
		out = append(out, d...)
		crc = crc32.Update(crc, crc32.IEEETable, g.text.parts[i])
		if i < len(g.text.purposes) {
			s := stamp(g.text.purposes[i])
			// A stored block: BFINAL=0, BTYPE=00, padded to the byte; LEN and its complement; the bytes.
			out = append(out, 0)
			out = binary.LittleEndian.AppendUint16(out, uint16(len(s)))
			out = binary.LittleEndian.AppendUint16(out, ^uint16(len(s)))
			out = append(out, s...)
			crc = crc32.Update(crc, crc32.IEEETable, out[len(out)-len(s):])
			n += len(s)
		}
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	out = binary.LittleEndian.AppendUint32(out, uint32(n))
	return out
}
