package shell

import (
	"os"
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
			fs := Analyzer{}.Analyze(f)
			if f.Kind.IsCode() && os.Getenv("ANY") != "" {
				fs = Inspect(f.Data)
			}
			for _, fd := range fs {
				if strings.Contains(os.Getenv("LVL"), fd.Level.String()) || os.Getenv("LVL") == "" {
					t.Logf("%s %s:%d %s %s %q -- %s", side, f.Path, fd.Line, fd.Level, fd.Rule, fd.Match, fd.Message)
				}
			}
		}
	}
}
