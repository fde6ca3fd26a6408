package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// corruptLastTable rewrites an archive with a bad row appended to its last
// table entry.
func corruptLastTable(t *testing.T, archive []byte) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	type entry struct {
		hdr  *tar.Header
		data []byte
	}
	var entries []entry
	last := -1
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if strings.HasPrefix(h.Name, "tables/") {
			last = len(entries)
		}
		entries = append(entries, entry{h, data})
	}
	entries[last].data = append(entries[last].data, []byte("[\"ceci n'est pas une ligne valide\"]\n")...)
	entries[last].hdr.Size = int64(len(entries[last].data))
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
