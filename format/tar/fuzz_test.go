package tar

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
)

// fuzzLimits are small so that the fuzzer spends its time on parsing, not
// decompressing.
var fuzzLimits = format.Limits{MaxEntries: 100, MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxRatio: 100}

func FuzzTar(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 32<<10 && filepath.Ext(p) != ".sh" && filepath.Ext(p) != ".sha256" {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Format.Match("f.tar.gz", b)
		fsys, err := Format.Open("f.tar.gz", bytes.NewReader(b), fuzzLimits)
		if err != nil {
			return
		}
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if !fs.ValidPath(p) {
				t.Fatalf("invalid path %q", p)
			}
			if f, err := fsys.Open(p); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
			return nil
		})
	})
}
