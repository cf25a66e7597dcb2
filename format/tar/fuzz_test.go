package tar

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
	"github.com/vigilsec/vigil/format/formattest"
)

// fuzzLimits are small so that the fuzzer spends its time on parsing, not
// decompressing.
var fuzzLimits = format.Limits{MaxEntries: 100, MaxEntryBytes: 64 << 10, MaxTotalBytes: 256 << 10, MaxRatio: 100}

func FuzzTar(f *testing.F) {
	// Decoder windows are allocated up front; the seeds need 8 MiB.
	defer func(n int64) { compress.MaxWindow = n }(compress.MaxWindow)
	compress.MaxWindow = 8 << 20
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
		for _, p := range formattest.ReadAll(fsys) {
			if !fs.ValidPath(p) {
				t.Fatalf("invalid path %q", p)
			}
		}
	})
}
