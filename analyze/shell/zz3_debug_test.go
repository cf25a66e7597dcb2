package shell

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func TestDebugDir(t *testing.T) {
	dir := os.Getenv("SHDIR")
	if dir == "" {
		t.Skip()
	}
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, _ := os.ReadFile(p)
		k := analyze.Sniff(p, b)
		if k != analyze.Shell && k != analyze.M4 && k != analyze.PowerShell && k != analyze.Batch {
			return nil
		}
		n++
		for _, fd := range (Analyzer{}).Analyze(&analyze.File{Path: p, Data: b, Size: int64(len(b)), Kind: k}) {
			if fd.Level >= report.Medium {
				t.Logf("%s:%d %s %s %q -- %s", p, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
			}
		}
		return nil
	})
	t.Logf("%d files", n)
}

func TestDebugSlow(t *testing.T) {
	dir := os.Getenv("SLOWDIR")
	if dir == "" {
		t.Skip()
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, _ := os.ReadFile(p)
		k := analyze.Sniff(p, b)
		if k != analyze.Shell && k != analyze.M4 && k != analyze.PowerShell && k != analyze.Batch {
			return nil
		}
		start := time.Now()
		(Analyzer{}).Analyze(&analyze.File{Path: p, Data: b, Size: int64(len(b)), Kind: k})
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Logf("%s %d bytes %v", p, len(b), d)
		}
		return nil
	})
}
