package endpoint

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// TestRealPackagesStayQuiet scans every file of the new release of each
// real npm package in the corpus, as a scan would: nothing above medium.
func TestRealPackagesStayQuiet(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(corpus, "real-npm-*"))
	if len(cases) == 0 {
		t.Skip("corpus not available")
	}
	for _, c := range cases {
		for _, side := range []string{"after"} {
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

func TestRawIPPort(t *testing.T) {
	src := "s.connect((\"203.0.113.5\", 4444))\nproxy = '10.0.0.7:3128'\nv = 1.2.3.4:80\nlisten 127.0.0.1:8080\nbuild 1.2.3.4 done\n"
	f := &analyze.File{Path: "x.py", Data: []byte(src), Size: int64(len(src)), Kind: analyze.Python}
	var got []string
	for _, fd := range (Analyzer{}).Analyze(f) {
		got = append(got, fmt.Sprintf("%s %s %d %s", fd.Rule, fd.Level, fd.Line, fd.Match))
	}
	want := []string{
		"endpoint.raw-ip-port medium 1 203.0.113.5:4444",
		"endpoint.raw-ip-port low 2 10.0.0.7:3128",
		"endpoint.raw-ip-port medium 3 1.2.3.4:80",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
