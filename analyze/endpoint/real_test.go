package endpoint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/report"
)

// TestRealPackagesStayQuiet scans every file of the real npm packages in
// the corpus, one release at a time, as a scan would: nothing above medium.
func TestRealPackagesStayQuiet(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(corpus, "real-npm-*"))
	if len(cases) == 0 {
		t.Skip("corpus not available")
	}
	for _, c := range cases {
		for _, side := range []string{"before", "after"} {
			m, _ := filepath.Glob(filepath.Join(c, side, "*"))
			for _, a := range m {
				files := readRelease(t, a)
				for _, f := range files {
					for _, fd := range (Analyzer{}).Analyze(f) {
						if fd.Level > report.Medium {
							t.Errorf("%s!/%s: %s %s %q", filepath.Base(a), f.Path, fd.Level, fd.Rule, fd.Match)
						}
					}
				}
				for _, l := range (Analyzer{}).AnalyzeRelease(nil, facts(files)) {
					t.Errorf("%s!/%s: %s %s", filepath.Base(a), l.Path, l.Finding.Rule, l.Finding.Message)
				}
			}
		}
	}
}

// TestChatAgentLookalike diffs the two app.asar archives of the corpus,
// each read as one file. The appended block hides its host in an
// obfuscated string array, so the test adds it the way the JavaScript
// analyzer does once it has decoded the strings; chatvem.example must then
// be reported as imitating the vendor's chatvern.example.
func TestChatAgentLookalike(t *testing.T) {
	old := readRelease(t, artifact(t, "chat-agent-asar", "before"))
	cur := readRelease(t, artifact(t, "chat-agent-asar", "after"))
	if got := (Analyzer{}).AnalyzeRelease(facts(old), facts(cur)); len(got) != 0 {
		t.Errorf("raw text alone: %+v", got)
	}
	newFacts := facts(cur)
	AddDomain(newFacts[0].Facts, "cdn.chatvem.example", 380, 123456)
	if !strings.Contains(newFacts[0].Facts[FactDomains], "chatvern.example") {
		t.Fatalf("vendor domain not recorded: %q", newFacts[0].Facts[FactDomains])
	}
	got := (Analyzer{}).AnalyzeRelease(facts(old), newFacts)
	if len(got) != 1 || got[0].Finding.Match != "chatvem.example" || got[0].Finding.Level != report.High ||
		!strings.Contains(got[0].Finding.Message, "chatvern.example") {
		t.Fatalf("AnalyzeRelease = %+v, want one high finding for chatvem.example", got)
	}
	if got[0].Finding.Line == 0 || got[0].Finding.Offset == 0 {
		t.Errorf("finding has no position: %+v", got[0].Finding)
	}
	// The old release alone has nothing to imitate.
	if got := (Analyzer{}).AnalyzeRelease(nil, facts(old)); len(got) != 0 {
		t.Errorf("old release alone: %+v", got)
	}
	// A scan cannot tell which of two names used equally often is the
	// original, so it reports both.
	if got := (Analyzer{}).AnalyzeRelease(nil, newFacts); len(got) != 2 || got[0].Finding.Match != "chatvem.example" {
		t.Errorf("scan of new release: %+v", got)
	}
}

// TestBashUploaderRawIP checks the raw-IP URL the tampered uploader posts to.
func TestBashUploaderRawIP(t *testing.T) {
	for _, side := range []string{"before", "after"} {
		files := readRelease(t, artifact(t, "bash-uploader", side))
		f := files[0]
		var got []report.Finding
		for _, fd := range (Analyzer{}).Analyze(f) {
			if fd.Rule == RuleRawIPURL {
				got = append(got, fd)
			}
		}
		if side == "before" && len(got) != 0 {
			t.Errorf("before: %+v", got)
		}
		if side == "after" && (len(got) != 1 || got[0].Level != report.Medium || got[0].Line != 1262 || got[0].Match != "http://203.0.113.86/upload/v2") {
			t.Errorf("after: %+v", got)
		}
	}
}
