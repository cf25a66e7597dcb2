package asar

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func FuzzAsar(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.asar")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	lim := format.Limits{MaxEntries: 100, MaxEntryBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		Format.Match("f.asar", b)
		fsys, err := Format.Open("f.asar", bytes.NewReader(b), lim)
		if err != nil {
			return
		}
		for _, p := range formattest.ReadAll(fsys) {
			if !fs.ValidPath(p) {
				t.Fatalf("invalid path %q", p)
			}
		}
	})
}
