package python

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

func load(t testing.TB, name string) *analyze.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return &analyze.File{Path: "pkg.whl!/" + name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)}
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file  string
		rule  string
		line  int
		level report.Level
	}{
		{"fail_exec_b64.py", RuleExecDecoded, 5, report.High},
		{"fail_exec_b64.py", RuleExecDecoded, 7, report.High}, // payload came from urlopen
		{"fail_exec_b64.py", RuleExecDecoded, 8, report.High}, // decoder reached through __import__
		{"fail_pkg/__init__.py", RuleImportTime, 13, report.High},
		{"fail_pkg/__init__.py", RuleThread, 13, report.High},
		{"fail_pkg/__init__.py", RuleImportTime, 14, report.High},
		{"fail_pkg/__init__.py", shell.RulePipeToShell, 14, report.High}, // inside os.system's string
		{"fail_setup/setup.py", RuleImportTime, 5, report.High},
		{"fail_pkg/__init__.py", RuleImportTime, 16, report.High}, // __import__("subprocess").Popen
		{"fail_setup/setup.py", RuleDNSBuilt, 5, report.Medium},
		{"fail_setup/setup.py", RuleImportTime, 8, report.High},
		{"fail_setup/setup.py", RuleExecDecoded, 8, report.High}, // inside python -c
		{"fail_steal.py", RuleSensitivePath, 4, report.High},
		{"fail_steal.py", RuleNetwork, 7, report.Low},
		{"fail_cmdclass/setup.py", RuleImportTime, 9, report.High},
		{"fail_cmdclass/setup.py", RuleSubprocess, 13, report.Medium},
		{"fail_hook.pth", RulePthExec, 2, report.Medium},
		{"fail_hook.pth", RuleExecDecoded, 2, report.High},
		{"fail_dropper.py", RuleDownloadExec, 15, report.High},
		{"fail_env_exfil.py", RuleEnvExfil, 9, report.High},
	}
	for _, tt := range tests {
		got := (Analyzer{}).Analyze(load(t, tt.file))
		found := false
		for _, f := range got {
			if f.Rule == tt.rule && f.Line == tt.line {
				found = true
				if f.Level != tt.level {
					t.Errorf("%s: %s at line %d is %s, want %s", tt.file, tt.rule, tt.line, f.Level, tt.level)
				}
				if f.Match == "" || f.Column < 1 {
					t.Errorf("%s: no evidence in %+v", tt.file, f)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s at line %d in %+v", tt.file, tt.rule, tt.line, got)
		}
	}
	for _, f := range (Analyzer{}).Analyze(load(t, "clean_runner.py")) {
		if f.Level >= report.High {
			t.Errorf("clean_runner.py: %+v", f)
		}
	}
	if got := (Analyzer{}).Analyze(load(t, "clean_paths.pth")); len(got) != 0 {
		t.Errorf("clean_paths.pth: %+v", got)
	}
	for _, f := range (Analyzer{}).Analyze(load(t, "fail_cmdclass/setup.py")) {
		if f.Rule == RuleImportTime && f.Line != 9 {
			t.Errorf("install-time finding outside the registered command: %+v", f)
		}
	}
	for _, name := range []string{"clean_pkg/__init__.py", "clean_tool.py"} {
		for _, f := range (Analyzer{}).Analyze(load(t, name)) {
			if f.Level > report.Medium {
				t.Errorf("%s: %s %s line %d %q", name, f.Level, f.Rule, f.Line, f.Match)
			}
			if f.Rule == RuleExecDecoded || f.Rule == RuleSensitivePath || strings.HasPrefix(f.Rule, "shell.") {
				t.Errorf("%s: code in a string or docstring was read as code: %+v", name, f)
			}
		}
	}
}

func TestTokenize(t *testing.T) {
	src := "x = f'a{b}' + r\"c\\\"\" # exec(y)\ns = '''\nexec(z)\n'''\nif (a and\n    b): pass\n"
	lines := tokenize(src)
	if len(lines) != 3 {
		t.Fatalf("%d logical lines, want 3: %+v", len(lines), lines)
	}
	var kinds []string
	for _, tk := range lines[0].toks {
		kinds = append(kinds, tk.text)
	}
	if got := strings.Join(kinds, " "); got != `x = f'a{b}' + r"c\""` {
		t.Errorf("line 1 tokens %q", got)
	}
	if lines[1].toks[2].kind != tString || !strings.Contains(lines[1].toks[2].text, "exec(z)") {
		t.Errorf("triple-quoted string: %+v", lines[1].toks)
	}
}

// TestWheels is the calibration of the brief: the tampered fluxkern
// __init__.py reaches high, the honest quickgeo upgrade stays at medium or
// below in every file.
func TestWheels(t *testing.T) {
	var worst report.Level
	for _, f := range release(t, "wheel-native-import", "after") {
		for _, fd := range (Analyzer{}).Analyze(f) {
			if strings.HasSuffix(f.Path, "fluxkern/__init__.py") && fd.Level > worst {
				worst = fd.Level
			}
		}
	}
	if worst < report.High {
		t.Errorf("fluxkern/__init__.py: %s, want high", worst)
	}
	for _, c := range []string{"wheel-native-import", "wheel-upgrade"} {
		for _, side := range []string{"before", "after"} {
			if c == "wheel-native-import" && side == "after" {
				continue
			}
			for _, f := range release(t, c, side) {
				for _, fd := range (Analyzer{}).Analyze(f) {
					if fd.Level > report.Medium {
						t.Errorf("%s/%s %s: %s %s %q", c, side, f.Path, fd.Level, fd.Rule, fd.Match)
					}
				}
			}
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.py")
	more, _ := filepath.Glob("testdata/*/*.py")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, true)
		}
	}
	f.Add([]byte("'''unterminated\nexec(\"x\"\n(((\\\n"), false)
	f.Add([]byte("from . import (a as b,\nc)\nimport x.y as z\nz.w(q=1)(2)\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, startup bool) {
		for _, x := range analyzeSource(string(b), startup) {
			if x.Line < 1 || x.Offset < 0 || x.Offset > int64(len(b)) {
				t.Fatalf("bad position %+v", x)
			}
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	data, err := os.ReadFile("testdata/fail_pkg/__init__.py")
	if err != nil {
		b.Fatal(err)
	}
	src := strings.Repeat(string(data), 500)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		analyzeSource(src, true)
	}
}
