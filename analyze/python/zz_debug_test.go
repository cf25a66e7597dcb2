package python

import (
	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDebugDump(t *testing.T) {
	c := os.Getenv("DUMP")
	if c == "" {
		t.Skip()
	}
	for _, side := range []string{"before", "after"} {
		for _, f := range release(t, c, side) {
			for _, fd := range (Analyzer{}).Analyze(f) {
				t.Logf("%s %s:%d %s %s %q -- %s", side, f.Path, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
			}
		}
	}
}

func TestDebugDir(t *testing.T) {
	dir := os.Getenv("PYDIR")
	if dir == "" {
		t.Skip()
	}
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
			return nil
		}
		b, _ := os.ReadFile(p)
		n++
		for _, fd := range (Analyzer{}).Analyze(&analyze.File{Path: p, Data: b, Size: int64(len(b)), Kind: analyze.Python}) {
			if fd.Level >= report.High {
				t.Logf("%s:%d %s %s %q -- %s", p, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
			}
		}
		return nil
	})
	t.Logf("%d files", n)
}
