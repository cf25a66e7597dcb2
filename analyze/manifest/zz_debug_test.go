package manifest

import (
	"github.com/vigilsec/vigil/analyze"
	"os"
	"testing"
)

func TestDebugDump(t *testing.T) {
	c := os.Getenv("DUMP")
	if c == "" {
		t.Skip()
	}
	old := map[string]*analyze.File{}
	for _, side := range []string{"before", "after"} {
		for _, f := range release(t, c, side) {
			for _, fd := range (Analyzer{}).Analyze(f) {
				t.Logf("%s %s:%d %s %s %q -- %s", side, f.Path, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
			}
			facts := map[string]string{}
			(Analyzer{}).Record(f, facts)
			if len(facts) > 0 {
				t.Logf("%s %s facts %v", side, f.Path, facts)
			}
			if side == "before" {
				old[f.Path] = f
			} else if o := old[f.Path]; o != nil {
				for _, fd := range (Analyzer{}).Diff(o, f) {
					t.Logf("DIFF %s:%d %s %s %q -- %s", f.Path, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
				}
			}
		}
	}
}
