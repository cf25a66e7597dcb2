package js

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilsec/vigil/report"
)

// FuzzAnalyze checks that no input makes the analyzer panic, loop or
// return a finding without its evidence. Seeds: every fixture, and the
// corpus in testdata/fuzz/FuzzAnalyze.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		if filepath.Ext(name) == ".sh" {
			continue
		}
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("eval(`${a}`/"))
	f.Add([]byte("'\\u{110000}\\x"))
	f.Add([]byte("x = /[/]/ / 2; require(`a${b}`)"))
	f.Add([]byte("<script>eval(x)</script><SCRIPT type=module>"))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		fs := append(Inspect(src), inspectHTML(src)...)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d bytes took %v", len(src), d)
		}
		if len(fs) > 2*maxFindings+2 {
			t.Fatalf("%d findings", len(fs))
		}
		for _, fd := range fs {
			if fd.Rule == RuleAnalyzerError {
				t.Fatalf("analyzer panicked: %s", fd.Message)
			}
			if fd.Offset < 0 || fd.Offset > int64(len(src)) || fd.Line < 1 || len(fd.Match) > report.MaxMatch+3 {
				t.Fatalf("bad evidence: %+v", fd)
			}
		}
	})
}
