package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/report"
)

func sample() *report.Report {
	r := &report.Report{Mode: "diff", Base: "old.tgz", Target: "new.tgz", Files: []report.File{
		{Path: "new.tgz!/package/index.js", Status: report.Changed, Kind: "javascript", SHA256: "ab", AddedLines: 1, Findings: []report.Finding{
			{Rule: "js.obfuscator", Level: report.High, Message: "obfuscated", Line: 2, Column: 5, Offset: 40, Match: "_0x1a2b", New: true, Added: true},
			{Rule: "js.child-process", Level: report.Medium, Message: "spawns", Line: 9, Offset: 300, Match: `require("child_process")`},
		}},
		{Path: "new.tgz!/package/a|b.bin", Status: report.Added, Kind: "binary", Findings: []report.Finding{
			{Rule: "binary.entropy", Level: report.Low, Message: "random *bytes* <here>", Offset: 0, Match: "7.99", New: true},
		}},
		{Path: "new.tgz!/package/quiet.js", Status: report.Changed, Kind: "javascript"},
	}}
	r.Finish()
	return r
}

func TestJSONRoundTrips(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Risk != report.High || back.Files[0].Findings[0].Level != report.High || back.Schema != report.Schema {
		t.Fatalf("round trip lost data: %+v", back)
	}
	if !strings.Contains(b.String(), `"risk": "high"`) {
		t.Fatalf("levels are not names:\n%s", b.String())
	}
}

func TestSARIFShape(t *testing.T) {
	var b bytes.Buffer
	rules := []report.Rule{{ID: "js.obfuscator", Level: report.High, Summary: "obfuscated code", Help: "why"}}
	if err := SARIF(&b, sample(), Options{Rules: rules, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	// Context findings (not new) are left out of a diff's results.
	if len(run.Results) != 2 {
		t.Fatalf("%d results, want 2", len(run.Results))
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d names %s, result says %s", res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
	}
	first := run.Results[0]
	if first.Level != "error" || first.Locations[0].PhysicalLocation.Region.StartLine != 2 {
		t.Errorf("first result %+v", first)
	}
	if uri := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "new.tgz%21/package/a%7Cb.bin" {
		t.Errorf("uri %q", uri)
	}
	if off := run.Results[1].Locations[0].PhysicalLocation.Region.ByteOffset; off == nil || *off != 0 {
		t.Errorf("byte offset 0 lost")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, sample()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"## vigil diff: **high**", "| high | `new.tgz!/package/index.js` | changed | 1 |", "a\\|b.bin", `random \*bytes\* &lt;here&gt;`} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "child_process") {
		t.Errorf("context finding shown in a diff:\n%s", out)
	}
}

func TestTextShowsEvidence(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"risk HIGH", "js.obfuscator line 2:5: obfuscated", "│ _0x1a2b", "+ 1 capabilities the old release already had here", "1 other changed files with nothing new to report"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour without Color")
	}
	b.Reset()
	Text(&b, sample(), Options{Color: true})
	if !strings.Contains(b.String(), "\x1b[1;31m") {
		t.Errorf("no colour with Color")
	}
}
