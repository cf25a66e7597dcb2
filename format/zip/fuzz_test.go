package zip

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

// fuzzLimits are small so that the fuzzer spends its time on parsing, not
// inflating.
var fuzzLimits = format.Limits{MaxEntries: 100, MaxEntryBytes: 1 << 20}

func FuzzZip(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.zip")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Format.Match("f.zip", b)
		fsys, err := Format.Open("f.zip", bytes.NewReader(b), fuzzLimits)
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
