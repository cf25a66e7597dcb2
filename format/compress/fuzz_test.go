package compress

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
)

func FuzzCompress(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	lim := format.Limits{MaxEntries: 10, MaxEntryBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		Format.Match("f.gz", b)
		Peek(b, 512)
		fsys, err := Format.Open("f.gz", bytes.NewReader(b), lim)
		if err != nil {
			return
		}
		if f, err := fsys.Open("f"); err == nil {
			io.Copy(io.Discard, f)
			f.Close()
		}
	})
}
