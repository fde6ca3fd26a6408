package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// tarEntry is one entry of a backup archive, read back by a test.
type tarEntry struct {
	hdr  *tar.Header
	data []byte
}

// rewriteArchive reads a backup archive, lets edit change its entries, and writes it again.
func rewriteArchive(t *testing.T, archive []byte, edit func([]tarEntry) []tarEntry) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var entries []tarEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		entries = append(entries, tarEntry{h, data})
	}
	entries = edit(entries)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for _, e := range entries {
		if err := tw.WriteHeader(e.hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(e.data)
	}
	tw.Close()
	gw.Close()
	return out.Bytes()
}

// corruptLastTable rewrites an archive with a bad row appended to its last
// table entry.
func corruptLastTable(t *testing.T, archive []byte) []byte {
	t.Helper()
	return rewriteArchive(t, archive, func(entries []tarEntry) []tarEntry {
		last := -1
		for i, e := range entries {
			if strings.HasPrefix(e.hdr.Name, "tables/") {
				last = i
			}
		}
		entries[last].data = append(entries[last].data, []byte("[\"ceci n'est pas une ligne valide\"]\n")...)
		entries[last].hdr.Size = int64(len(entries[last].data))
		return entries
	})
}
