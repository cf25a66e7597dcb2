package report

import (
	"strings"
	"testing"
)

func TestFinishCountsOnlyNewInADiff(t *testing.T) {
	r := &Report{Mode: "diff", Files: []File{
		{Path: "b", Findings: []Finding{{Rule: "x", Level: Critical}, {Rule: "y", Level: Low, New: true}}},
		{Path: "a", Findings: []Finding{{Rule: "z", Level: High, New: true}}},
	}}
	r.Finish()
	if r.Risk != High || r.Files[0].Path != "a" || r.Files[1].Risk != Low {
		t.Fatalf("risk %s, files %+v", r.Risk, r.Files)
	}
	if r.Summary.Findings[Critical] != 0 || r.Summary.Findings[High] != 1 {
		t.Fatalf("counts %v", r.Summary.Findings)
	}
	r.Mode = "scan"
	r.Finish()
	if r.Risk != Critical {
		t.Fatalf("scan risk %s", r.Risk)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("é", 300)
	s := Snippet(long)
	if len(s) > MaxMatch+len("…") || !strings.HasSuffix(s, "…") {
		t.Fatalf("len %d: %q", len(s), s)
	}
	if got := Snippet("a\x00b\x1b[31m\tc\xff"); got != "a?b?[31m c?" {
		t.Fatalf("got %q", got)
	}
}

func TestLevels(t *testing.T) {
	for l := None; l <= Critical; l++ {
		var back Level
		b, _ := l.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Fatalf("%s round trip: %v %v", l, back, err)
		}
	}
	if _, err := ParseLevel("severe"); err == nil {
		t.Fatal("severe parsed")
	}
	if Medium.Raise(1) != High || High.Raise(5) != Critical {
		t.Fatal("Raise")
	}
}
