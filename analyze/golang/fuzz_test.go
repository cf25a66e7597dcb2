package golang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/report"
)

// FuzzAnalyze feeds arbitrary bytes as a .go file: no panic, and every
// finding carries a rule, a level and evidence inside the input.
func FuzzAnalyze(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.go")
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("package p\nvar a = a + a\nvar s = string([]byte{0x68, 'i'}) + s[1]\n"))
	f.Add([]byte("package p\nimport \"os/exec\"\nfunc f(){exec.Command(fmt.Sprintf(\"%s%%%d\", 1))}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, x := range analyzeBytes("a/b.go", b) {
			if x.Rule == "" || x.Level == report.None || x.Message == "" {
				t.Fatalf("incomplete finding %+v", x)
			}
			if x.Offset < 0 || x.Offset > int64(len(b)) {
				t.Fatalf("offset %d outside %d bytes", x.Offset, len(b))
			}
		}
	})
}
