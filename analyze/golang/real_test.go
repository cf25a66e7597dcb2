package golang

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func analyzeBytes(name string, b []byte) []report.Finding {
	return Analyzer{}.Analyze(&analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)})
}

func maxLevel(fs []report.Finding) report.Level {
	l := report.None
	for _, f := range fs {
		l = max(l, f.Level)
	}
	return l
}

// TestRealModules keeps every .go file of the real module zips in the
// corpus at medium or below.
func TestRealModules(t *testing.T) {
	zips, _ := filepath.Glob("/work/shared/corpus/cases/real-go-*/*/*.zip")
	if len(zips) == 0 {
		t.Skip("corpus not present")
	}
	counts := map[report.Level]int{}
	for _, z := range zips {
		r, err := zip.OpenReader(z)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.File {
			if !strings.HasSuffix(f.Name, ".go") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			fs := analyzeBytes(f.Name, b)
			l := maxLevel(fs)
			counts[l]++
			if l > report.Medium {
				t.Errorf("%s!/%s: %v: %+v", filepath.Base(z), f.Name, l, fs)
			}
		}
		r.Close()
	}
	t.Logf("levels over the real modules: %v", counts)
}

func goroot(t testing.TB) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	if err != nil {
		t.Skip("no go command")
	}
	if _, err := os.Stat(root); err != nil {
		t.Skip("GOROOT/src absent")
	}
	return root
}

// TestGOROOT keeps the standard library's own sources at medium or below.
func TestGOROOT(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	root := goroot(t)
	counts := map[report.Level]int{}
	rules := map[string]int{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		fs := analyzeBytes(p, b)
		l := maxLevel(fs)
		counts[l]++
		for _, f := range fs {
			rules[f.Rule+"/"+f.Level.String()]++
		}
		if l > report.Medium {
			t.Errorf("%s: %v", p, fs)
		}
		return nil
	})
	var names []string
	for r := range rules {
		names = append(names, r)
	}
	sort.Strings(names)
	t.Logf("files per level over GOROOT/src: none %d, low %d, medium %d, high %d, critical %d",
		counts[report.None], counts[report.Low], counts[report.Medium], counts[report.High], counts[report.Critical])
	for _, r := range names {
		t.Logf("  %s: %d", r, rules[r])
	}
}

// TestBackdooredFork plants a typosquat's init into cobra.go of the real
// cobra module, as a backdoored fork would: the tampered copy must reach
// high while the original stays at medium or below.
func TestBackdooredFork(t *testing.T) {
	zips, _ := filepath.Glob("/work/shared/corpus/cases/real-go-cobra-*/after/*.zip")
	if len(zips) == 0 {
		t.Skip("corpus not present")
	}
	r, err := zip.OpenReader(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var orig []byte
	for _, f := range r.File {
		if strings.HasSuffix(f.Name, "/cobra.go") {
			rc, _ := f.Open()
			orig, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if orig == nil {
		t.Fatal("cobra.go not in the zip")
	}
	if l := maxLevel(analyzeBytes("cobra.go", orig)); l > report.Medium {
		t.Fatalf("original cobra.go at %v", l)
	}
	implant, err := os.ReadFile("testdata/fail_init_bytes.go")
	if err != nil {
		t.Fatal(err)
	}
	// Append the implant's init and import os/exec for it.
	body := implant[strings.Index(string(implant), "func init()"):]
	tampered := strings.Replace(string(orig), "import (", "import (\n\t\"os/exec\"", 1) + "\n" + string(body)
	fs := analyzeBytes("cobra.go", []byte(tampered))
	if !has(fs, RuleHiddenExec, report.High) || !has(fs, RuleInit, report.High) {
		t.Errorf("tampered cobra.go: %+v", fs)
	}
}
