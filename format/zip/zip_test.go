package zip

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func openFile(t testing.TB, path string, lim format.Limits) fs.FS {
	t.Helper()
	return formattest.Open(t, Format, path, lim)
}

var problems = formattest.Problems

func TestRoundTrip(t *testing.T) {
	fsys := openFile(t, "testdata/ok.zip", format.DefaultLimits)
	got := formattest.Listing(t, fsys)
	want, err := os.ReadFile("testdata/ok.zip.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("listing:\n%s\nwant (testdata/ok.zip.sha256):\n%s", got, want)
	}
	if p := problems(fsys); len(p) != 0 {
		t.Errorf("problems: %v", p)
	}
	if _, err := fs.Stat(fsys, "empty-dir"); err == nil {
		t.Errorf("directory entry empty-dir listed; directories are made up from files only")
	}
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Skip("unzip not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("unzip", "-q", "testdata/ok.zip", "-d", dir).CombinedOutput(); err != nil {
		t.Fatalf("unzip: %v\n%s", err, out)
	}
	if tool := formattest.DirListing(t, dir); got != tool {
		t.Errorf("listing:\n%s\nunzip extracted:\n%s", got, tool)
	}
}

// TestCorpus compares the listing of each zip in the shared corpus with
// what unzip extracts.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob("/work/shared/corpus/cases/*/*/*.zip")
	whl, _ := filepath.Glob("/work/shared/corpus/cases/*/*/*.whl")
	paths = append(paths, whl...)
	if len(paths) == 0 {
		t.Skip("no corpus")
	}
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Skip("unzip not installed")
	}
	if len(paths) > 6 {
		paths = paths[:6]
	}
	for _, p := range paths {
		got := formattest.Listing(t, openFile(t, p, format.DefaultLimits))
		dir := t.TempDir()
		if out, err := exec.Command("unzip", "-q", p, "-d", dir).CombinedOutput(); err != nil {
			t.Fatalf("unzip %s: %v\n%s", p, err, out)
		}
		if tool := formattest.DirListing(t, dir); got != tool {
			t.Errorf("%s: listing differs from unzip's:\n%s\nunzip:\n%s", p, got, tool)
		}
	}
}

func TestTraversal(t *testing.T) {
	fsys := openFile(t, "testdata/fail_traversal.zip", format.DefaultLimits)
	want := map[string]string{
		"evil.sh":      "echo evil\n",
		"etc/x":        "x\n",
		"ok.txt":       "fine\n",
		"ok.txt~2":     "again\n",
		"C:/Windows/y": "y\n",
	}
	for name, content := range want {
		b, err := fs.ReadFile(fsys, name)
		if err != nil || string(b) != content {
			t.Errorf("%s: %q, %v; want %q", name, b, err, content)
		}
	}
	rules := map[string]string{}
	for _, p := range problems(fsys) {
		rules[p.Path] = p.Rule
		if p.Offset <= 0 {
			t.Errorf("problem %+v has no offset", p)
		}
	}
	wantRules := map[string]string{
		"evil.sh":      format.RulePathTraversal,
		"etc/x":        format.RulePathTraversal,
		"C:/Windows/y": format.RulePathTraversal,
		"ok.txt~2":     format.RuleMalformed,
	}
	if fmt.Sprint(rules) != fmt.Sprint(wantRules) {
		t.Errorf("problems by path: %v\nwant %v", rules, wantRules)
	}
}

func TestBomb(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	fsys := openFile(t, "testdata/fail_bomb.zip", lim)
	_, err := fs.ReadFile(fsys, "zeros.bin")
	if !errors.Is(err, format.ErrLimit) {
		t.Fatalf("reading the bomb with a 1 MiB limit: %v, want ErrLimit", err)
	}
	// With the default limits it is read in full: 50 MiB is no bomb yet.
	fsys = openFile(t, "testdata/fail_bomb.zip", format.DefaultLimits)
	f, err := fsys.Open("zeros.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(io.Discard, f)
	if err != nil || n != 50<<20 {
		t.Fatalf("read %d, %v; want %d", n, err, 50<<20)
	}
}

func TestTruncated(t *testing.T) {
	b, err := os.ReadFile("testdata/fail_truncated.zip")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Format.Open("fail_truncated.zip", bytes.NewReader(b), format.DefaultLimits)
	if err == nil || errors.Is(err, format.ErrNotFormat) {
		t.Fatalf("Open of a zip cut in half: %v; want an error that is not ErrNotFormat", err)
	}
}

func TestNested(t *testing.T) {
	b, err := os.ReadFile("testdata/fail_nested.zip")
	if err != nil {
		t.Fatal(err)
	}
	for level := 30; level > 0; level-- {
		fsys, err := Format.Open(fmt.Sprintf("level%d.zip", level), bytes.NewReader(b), format.DefaultLimits)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		inner := fmt.Sprintf("level%d.zip", level-1)
		if level == 1 {
			inner = "level0.txt"
		}
		if b, err = fs.ReadFile(fsys, inner); err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
	}
	if string(b) != "innermost\n" {
		t.Fatalf("innermost file: %q", b)
	}
}

func TestEntryLimit(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntries = 2
	fsys := openFile(t, "testdata/ok.zip", lim)
	if n := strings.Count(formattest.Listing(t, fsys), "\n"); n != 2 {
		t.Errorf("%d entries listed, want 2", n)
	}
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleTooManyFiles {
		t.Errorf("problems: %+v", p)
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		name, head string
		want       bool
	}{
		{"x.bin", "PK\x03\x04rest", true},
		{"x.bin", "PK\x05\x06", true},
		{"lib.jar", "MZ\x90\x00", true}, // self-extracting stub
		{"x.bin", "PK\x01\x02", false},
		{"x.txt", "hello", false},
		{"x", "", false},
	} {
		if got := Format.Match(c.name, []byte(c.head)); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.name, c.head, got)
		}
	}
	// Matched on name alone, bytes that are no zip are another format's.
	_, err := Format.Open("x.apk", bytes.NewReader([]byte("\x1f\x8b\x08 not a zip")), format.DefaultLimits)
	if !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("Open of a gzip named .apk: %v, want ErrNotFormat", err)
	}
}

func TestDeterministic(t *testing.T) {
	a := formattest.Listing(t, openFile(t, "testdata/fail_traversal.zip", format.DefaultLimits))
	b := formattest.Listing(t, openFile(t, "testdata/fail_traversal.zip", format.DefaultLimits))
	if a != b {
		t.Fatal("two opens of one zip differ")
	}
}

func TestMethods(t *testing.T) {
	fsys := openFile(t, "testdata/bzip2.zip", format.DefaultLimits)
	b, err := fs.ReadFile(fsys, "numbers.txt")
	if err != nil || !strings.HasPrefix(string(b), "1\n2\n3\n") || len(b) != 8893 {
		t.Errorf("bzip2 entry: %d bytes, %v", len(b), err)
	}
	for name, want := range map[string]string{
		"fail_deflate64.zip": "compression method 9",
		"fail_encrypted.zip": "encrypted",
	} {
		fsys := openFile(t, "testdata/"+name, format.DefaultLimits)
		if got := formattest.Listing(t, fsys); got != "" {
			t.Errorf("%s: listed %s", name, got)
		}
		p := problems(fsys)
		if len(p) != 1 || p[0].Rule != format.RuleUnsupported || !strings.Contains(p[0].Message, want) {
			t.Errorf("%s: problems %+v, want one %s saying %q", name, p, format.RuleUnsupported, want)
		}
	}
}
