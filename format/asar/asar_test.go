package asar

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func openFile(t testing.TB, name string, lim format.Limits) fs.FS {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !Format.Match("x.bin", format.Head(bytes.NewReader(b), 4096)) {
		t.Fatalf("%s: Match on the bytes alone = false", name)
	}
	fsys, err := Format.Open(name, bytes.NewReader(b), lim)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fsys
}

var problems = formattest.Problems

func TestRoundTrip(t *testing.T) {
	fsys := openFile(t, "ok.asar", format.DefaultLimits)
	got := formattest.Listing(t, fsys)
	want, err := os.ReadFile("testdata/ok.asar.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("listing:\n%s\nwant (testdata/ok.asar.sha256):\n%s", got, want)
	}
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != RuleUnpacked || p[0].Path != "native/addon.node" {
		t.Errorf("problems %+v; want one %s for native/addon.node", p, RuleUnpacked)
	}
	if fi, err := fs.Stat(fsys, "lib/run.js"); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("lib/run.js: %v, %v; want executable", fi, err)
	}
}

// TestTool compares the listing with what the real asar tool extracts.
func TestTool(t *testing.T) {
	asar := "/tmp/asartool/node_modules/.bin/asar"
	if _, err := os.Stat(asar); err != nil {
		t.Skip("asar tool not installed; testdata/make-fixtures.sh installs it")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("asar tool needs node, which is not installed")
	}
	// asar extract copies unpacked files from beside the archive.
	tmp := t.TempDir()
	b, err := os.ReadFile("testdata/ok.asar")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "ok.asar"), b, 0o644)
	os.MkdirAll(filepath.Join(tmp, "ok.asar.unpacked/native"), 0o755)
	os.WriteFile(filepath.Join(tmp, "ok.asar.unpacked/native/addon.node"), nil, 0o644)
	dir := filepath.Join(tmp, "out")
	if out, err := exec.Command(asar, "extract", filepath.Join(tmp, "ok.asar"), dir).CombinedOutput(); err != nil {
		t.Fatalf("asar extract: %v\n%s", err, out)
	}
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".node") {
			return err
		}
		var b []byte
		if d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			b = []byte(target)
		} else {
			b, _ = os.ReadFile(p)
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(b), filepath.ToSlash(rel)))
		return nil
	})
	if got, tool := formattest.Listing(t, openFile(t, "ok.asar", format.DefaultLimits)), formattest.Sorted(lines); got != tool {
		t.Errorf("listing:\n%s\nasar extract:\n%s", got, tool)
	}
}

// TestCorpus opens the shared corpus's asar files and checks every entry
// reads and no integrity hash is broken in the clean "before" release.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob("/work/shared/corpus/cases/*/before/*.asar")
	if len(paths) == 0 {
		t.Skip("no corpus")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fsys, err := Format.Open(filepath.Base(p), bytes.NewReader(b), format.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if n := strings.Count(formattest.Listing(t, fsys), "\n"); n == 0 {
			t.Errorf("%s: no entries", p)
		}
		for _, pr := range problems(fsys) {
			if pr.Rule == RuleIntegrity {
				t.Errorf("%s: %+v", p, pr)
			}
		}
	}
}

func TestIntegrity(t *testing.T) {
	fsys := openFile(t, "fail_integrity.asar", format.DefaultLimits)
	var got []string
	for _, p := range problems(fsys) {
		if p.Rule == RuleIntegrity {
			got = append(got, p.Path)
			if p.Offset <= 0 {
				t.Errorf("no offset: %+v", p)
			}
		}
	}
	if fmt.Sprint(got) != "[main.js]" {
		t.Errorf("integrity problems for %v, want [main.js]", got)
	}
}

func TestTruncated(t *testing.T) {
	fsys := openFile(t, "fail_truncated.asar", format.DefaultLimits)
	malformed := 0
	for _, p := range problems(fsys) {
		if p.Rule == format.RuleMalformed {
			malformed++
		}
	}
	if malformed == 0 {
		t.Errorf("no %s problems for entries past the cut: %+v", format.RuleMalformed, problems(fsys))
	}
	formattest.Listing(t, fsys) // every listed entry reads
}

func TestMalformed(t *testing.T) {
	fsys := openFile(t, "fail_malformed.asar", format.DefaultLimits)
	if b, err := fs.ReadFile(fsys, "evil.sh"); err != nil || string(b) != "echo evil\n" {
		t.Errorf("evil.sh: %q, %v", b, err)
	}
	if b, err := fs.ReadFile(fsys, "ok.txt"); err != nil || string(b) != "fine\n" {
		t.Errorf("ok.txt: %q, %v", b, err)
	}
	got := map[string]string{}
	for _, p := range problems(fsys) {
		got[p.Path] = p.Rule
	}
	want := map[string]string{
		"evil.sh":      format.RulePathTraversal,
		"past-end.bin": format.RuleMalformed,
		"negative.bin": format.RuleMalformed,
		"null.bin":     format.RuleMalformed,
		"nosize.bin":   format.RuleMalformed,
		"deep/" + strings.Repeat("d/", maxDepth-2) + "d": format.RuleTooManyFiles,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems by path:\n%v\nwant\n%v", got, want)
	}
}

func TestLimits(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntries = 2
	fsys := openFile(t, "ok.asar", lim)
	if n := strings.Count(formattest.Listing(t, fsys), "\n"); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
	lim = format.DefaultLimits
	lim.MaxEntryBytes = 100
	fsys = openFile(t, "ok.asar", lim)
	if _, err := fs.Stat(fsys, "lib/deep/numbers.txt"); err == nil {
		t.Errorf("numbers.txt, over MaxEntryBytes, is listed")
	}
}

func TestNotAsar(t *testing.T) {
	for _, b := range []string{"", "\x04\x00\x00\x00", "\x04\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00", "PK\x03\x04 zip"} {
		_, err := Format.Open("x.asar", bytes.NewReader([]byte(b)), format.DefaultLimits)
		if err == nil {
			t.Errorf("Open(%q) succeeded", b)
		}
	}
	_, err := Format.Open("x.asar", bytes.NewReader([]byte("PK\x03\x04 a zip named .asar")), format.DefaultLimits)
	if !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("Open of a zip named .asar: %v, want ErrNotFormat", err)
	}
}
