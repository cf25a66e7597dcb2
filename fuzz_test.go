package vigil

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilsec/vigil/format"
)

// FuzzScan feeds arbitrary bytes, under names that make every format's
// Match fire, through the whole walker and every analyzer. Nothing may
// panic, and every run must end within its bounds.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob("format/*/testdata/*")
	for _, p := range seeds {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Size() < 64<<10 {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(filepath.Base(p), b)
			}
		}
	}
	f.Add("app.asar", []byte("\x04\x00\x00\x00\x10\x00\x00\x00\x0c\x00\x00\x00\x07\x00\x00\x00{\"files\"}"))
	f.Add("x.js", []byte("eval(atob('ZXZhbCgxKQ=='))"))
	lim := format.DefaultLimits
	lim.MaxTotalBytes = 8 << 20
	lim.MaxEntryBytes = 1 << 20
	lim.FileTimeout = 5 * time.Second
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		name = filepath.Base(filepath.Clean("/" + name))
		if name == "/" || name == "." {
			name = "input"
		}
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Skip()
		}
		if _, err := Scan(context.Background(), p, Options{Limits: lim, Workers: 1}); err != nil {
			t.Fatalf("scan of a readable file failed: %v", err)
		}
	})
}
