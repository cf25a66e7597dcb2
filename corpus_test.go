package vigil

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/report"
)

// corpusCase is the part of a shared corpus case.json the test reads.
type corpusCase struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Mode   string `json:"mode"`
	Before string `json:"before"`
	After  string `json:"after"`
	Expect struct {
		MinRisk string   `json:"min_risk"`
		MaxRisk string   `json:"max_risk"`
		Flag    []string `json:"flag"`
	} `json:"expect"`
}

// corpusKnownMisses lists cases vigil does not pass yet, with why. The test
// fails when one of them starts passing, so the list cannot go stale.
var corpusKnownMisses = map[string]string{}

// TestCorpus judges every case of ../shared/corpus the way its score script
// does: tampered cases must reach their minimum risk with a flagged file at
// high or above; clean cases must stay at or below their ceiling.
func TestCorpus(t *testing.T) {
	root := filepath.Join("..", "shared", "corpus", "cases")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Skipf("no shared corpus: %v", err)
	}
	if testing.Short() {
		t.Skip("corpus takes a while")
	}
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(root, d.Name(), "case.json"))
		if err != nil {
			continue
		}
		var c corpusCase
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		t.Run(c.ID, func(t *testing.T) {
			dir := filepath.Join(root, d.Name())
			var r *report.Report
			if c.Mode == "scan" {
				r, err = Scan(context.Background(), filepath.Join(dir, c.After), Options{})
			} else {
				r, err = Diff(context.Background(), filepath.Join(dir, c.Before), filepath.Join(dir, c.After), Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			why := judgeCase(c, r)
			known, isKnown := corpusKnownMisses[c.ID]
			switch {
			case why != "" && !isKnown:
				t.Errorf("%s case failed: %s", c.Kind, why)
			case why == "" && isKnown:
				t.Errorf("passes now; remove it from corpusKnownMisses (%s)", known)
			}
		})
	}
}

var boundary = regexp.MustCompile(`!/|!|∴|::|\\`)

func components(p string) []string {
	var out []string
	for _, c := range strings.Split(boundary.ReplaceAllString(p, "/"), "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

func hasSuffix(p, suffix string) bool {
	a, b := components(p), components(suffix)
	if len(b) > len(a) {
		return false
	}
	for i := range b {
		if a[len(a)-len(b)+i] != b[i] {
			return false
		}
	}
	return true
}

// judgeCase returns why r fails c, or "".
func judgeCase(c corpusCase, r *report.Report) string {
	if c.Kind == "clean" {
		ceiling, _ := report.ParseLevel(c.Expect.MaxRisk)
		if c.Expect.MaxRisk == "" {
			ceiling = report.Medium
		}
		if r.Risk > ceiling {
			var risky []string
			for _, f := range r.Files {
				if f.Risk > ceiling {
					risky = append(risky, f.Path+" "+firstRule(f, ceiling))
				}
			}
			return "false alarm at " + r.Risk.String() + " on " + strings.Join(risky, "; ")
		}
		return ""
	}
	floor, _ := report.ParseLevel(c.Expect.MinRisk)
	if c.Expect.MinRisk == "" {
		floor = report.High
	}
	if r.Risk < floor {
		return "risk " + r.Risk.String() + " below " + floor.String()
	}
	if len(c.Expect.Flag) == 0 {
		return ""
	}
	for _, f := range r.Files {
		if f.Risk < report.High {
			continue
		}
		for _, w := range c.Expect.Flag {
			if hasSuffix(f.Path, w) {
				return ""
			}
		}
	}
	return "no file ending in " + strings.Join(c.Expect.Flag, " | ") + " flagged high or above"
}

func firstRule(f report.File, above report.Level) string {
	for _, fd := range f.Findings {
		if fd.Level > above {
			return "(" + fd.Rule + ": " + fd.Message + ")"
		}
	}
	return ""
}
