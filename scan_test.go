package vigil

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/render"
	"github.com/vigilsec/vigil/report"
)

// findingsOf collects rule IDs by path suffix.
func rulesIn(r *report.Report) map[string][]string {
	out := map[string][]string{}
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			out[f.Path] = append(out[f.Path], fd.Rule)
		}
	}
	return out
}

func hasRule(r *report.Report, rule string) (string, bool) {
	for path, rules := range rulesIn(r) {
		for _, id := range rules {
			if id == rule {
				return path, true
			}
		}
	}
	return "", false
}

func TestHostileArchivesGiveFindings(t *testing.T) {
	small := format.DefaultLimits
	small.MaxRatio = 10
	small.MaxDepth = 8
	for _, tc := range []struct {
		file  string
		lim   format.Limits
		rules []string // each must appear
	}{
		{"format/zip/testdata/fail_bomb.zip", format.DefaultLimits, nil},
		{"format/zip/testdata/fail_traversal.zip", format.DefaultLimits, []string{format.RulePathTraversal}},
		{"format/zip/testdata/fail_nested.zip", small, []string{"archive.depth-limit"}},
		{"format/zip/testdata/fail_truncated.zip", format.DefaultLimits, []string{format.RuleUnsupported}},
		{"format/tar/testdata/fail_traversal.tar", format.DefaultLimits, []string{format.RulePathTraversal}},
		{"format/tar/testdata/fail_truncated.tar.gz", format.DefaultLimits, nil},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			r, err := Scan(context.Background(), tc.file, Options{Limits: tc.lim})
			if err != nil {
				t.Fatal(err)
			}
			for _, rule := range tc.rules {
				if _, ok := hasRule(r, rule); !ok {
					t.Errorf("no %s finding; got %v", rule, rulesIn(r))
				}
			}
		})
	}
}

func TestBombStopsAtTheBudget(t *testing.T) {
	// 50 MiB of zeros in a 51 KB zip: with a 1 MiB entry bound the walker
	// must stop reading and say so, not unpack it all.
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	r, err := Scan(context.Background(), "format/zip/testdata/fail_bomb.zip", Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hasRule(r, format.RuleEntryTooLarge); !ok {
		t.Fatalf("no %s finding: %v", format.RuleEntryTooLarge, rulesIn(r))
	}
}

func TestNestedPathsNameEveryContainer(t *testing.T) {
	r, err := Scan(context.Background(), "format/zip/testdata/fail_nested.zip", Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "fail_nested.zip!/level29.zip!/level28.zip!/"
	found := false
	for _, f := range r.Files {
		if strings.HasPrefix(f.Path, want) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no path starting %q", want)
	}
}

func TestScanIsDeterministic(t *testing.T) {
	var outs [][]byte
	for _, workers := range []int{1, 4, 1} {
		r, err := Scan(context.Background(), "testdata/demo/after/LanternlyDeskSetup-3.2.0.exe", Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := render.JSON(&b, r); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b.Bytes())
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

func TestDiffOfIdenticalReleasesIsQuiet(t *testing.T) {
	p := "testdata/demo/before/LanternlyDeskSetup-3.2.0.exe"
	r, err := Diff(context.Background(), p, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Risk != report.None || len(r.Files) != 0 || r.Summary.Changed != 0 {
		t.Fatalf("identical releases: risk %s, %d files, %+v", r.Risk, len(r.Files), r.Summary)
	}
}

func TestDiffPairsMovedAndVersionedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("old/lib-1.2.0/util.js", "module.exports = 1;\n")
	write("old/a/same.txt", "same bytes\n")
	write("new/lib-1.3.0/util.js", "module.exports = 2;\n")
	write("new/b/same.txt", "same bytes\n")
	r, err := Diff(context.Background(), filepath.Join(dir, "old"), filepath.Join(dir, "new"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summary
	if s.Changed != 1 || s.Unchanged != 1 || s.Added != 0 || s.Removed != 0 {
		t.Fatalf("summary %+v", s)
	}
	if len(r.Files) != 1 || r.Files[0].OldPath != "lib-1.2.0/util.js" || r.Files[0].Status != report.Changed {
		t.Fatalf("files %+v", r.Files)
	}
}

func TestOCILayoutDirectory(t *testing.T) {
	r, err := Scan(context.Background(), "format/oci/testdata/layout", Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range r.Files {
		paths = append(paths, f.Path)
	}
	got := strings.Join(paths, " ")
	// Layers flattened with whiteouts applied: the image's files, not blobs.
	for _, want := range []string{"usr/bin/hello", "etc/new.conf", "opt/app/c.txt"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in %s", want, got)
		}
	}
	if strings.Contains(got, "blobs/sha256") {
		t.Errorf("blobs listed as files: %s", got)
	}
}
