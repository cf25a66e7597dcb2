package manifest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/report"
)

// diffCase runs Analyze on the new files and Diff on each file present in
// both releases, and returns the riskiest level per path.
func diffCase(t *testing.T, c string) map[string]report.Level {
	t.Helper()
	old := map[string][]byte{}
	for _, f := range release(t, c, "before") {
		old[f.Path] = f.Data
	}
	risk := map[string]report.Level{}
	for _, f := range release(t, c, "after") {
		fs := (Analyzer{}).Analyze(f)
		if b, ok := old[f.Path]; ok {
			o := *f
			o.Data = b
			fs = append(fs, (Analyzer{}).Diff(&o, f)...)
		}
		for _, x := range fs {
			if x.Level > risk[f.Path] {
				risk[f.Path] = x.Level
			}
		}
	}
	return risk
}

// TestCorpusHooks: a hook a release gains is high (worm, hijacked
// account); a hook that was always there stays medium.
func TestCorpusHooks(t *testing.T) {
	for _, c := range []string{"npm-worm-postinstall", "npm-preinstall"} {
		if r := diffCase(t, c)["package/package.json"]; r < report.High {
			t.Errorf("%s: package.json %s, want high", c, r)
		}
	}
	if r := diffCase(t, "npm-existing-postinstall")["package/package.json"]; r != report.Medium {
		t.Errorf("npm-existing-postinstall: package.json %s, want medium", r)
	}
}

// TestCorpusRealUpgrades: honest upgrades of real npm packages stay at
// medium or below (esbuild keeps its postinstall).
func TestCorpusRealUpgrades(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(corpus, "real-npm-*"))
	n := 0
	for _, c := range cases {
		c = filepath.Base(c)
		if strings.HasPrefix(c, "real-npm-scan-") {
			continue
		}
		n++
		for p, r := range diffCase(t, c) {
			if r > report.Medium {
				t.Errorf("%s %s: %s", c, p, r)
			}
		}
	}
	if n == 0 {
		t.Skip("corpus not available")
	}
}
