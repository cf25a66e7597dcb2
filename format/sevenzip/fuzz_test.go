package sevenzip

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func FuzzSevenzip(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.7z")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	lim := format.Limits{MaxEntries: 100, MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxRatio: 100}
	f.Fuzz(func(t *testing.T, b []byte) {
		Format.Match("f.7z", b)
		fsys, err := Format.Open("f.7z", bytes.NewReader(b), lim)
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
