package tar

import (
	"bytes"
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

func openFile(t testing.TB, path string, lim format.Limits) fs.FS {
	t.Helper()
	return formattest.Open(t, Format, path, lim)
}

var problems = formattest.Problems

var okTars = []string{"ok.tar", "ok.pax.tar", "ok.tar.gz", "ok.tar.xz", "ok.tar.zst", "ok.tar.bz2", "ok.concat.tar.gz"}

func TestRoundTrip(t *testing.T) {
	want := formattest.ReadFile(t, "testdata/ok.tar.sha256")
	for _, name := range okTars {
		fsys := openFile(t, "testdata/"+name, format.DefaultLimits)
		if got := formattest.Listing(t, fsys); got != want {
			t.Errorf("%s: listing:\n%s\nwant (testdata/ok.tar.sha256):\n%s", name, got, want)
		}
		if p := problems(fsys); len(p) != 0 {
			t.Errorf("%s: problems: %v", name, p)
		}
	}
}

// TestSpill lowers the memory budget so that a compressed tar is served
// from a temporary file.
func TestSpill(t *testing.T) {
	defer func(n int64) { memoryBudget = n }(memoryBudget)
	memoryBudget = 1000
	want := formattest.ReadFile(t, "testdata/ok.tar.sha256")
	if got := formattest.Listing(t, openFile(t, "testdata/ok.tar.xz", format.DefaultLimits)); got != want {
		t.Errorf("listing from a spooled file:\n%s\nwant:\n%s", got, want)
	}
}

// TestTool compares the listing with what GNU tar extracts. Hard links
// are left out: tar -x makes them a copy, this package their target name.
func TestTool(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar not installed")
	}
	for _, name := range []string{"ok.tar.gz", "sparse.tar", "sparse.pax.tar"} {
		dir := t.TempDir()
		if out, err := exec.Command("tar", "-xf", "testdata/"+name, "-C", dir).CombinedOutput(); err != nil {
			t.Fatalf("tar -x %s: %v\n%s", name, err, out)
		}
		got := dropLine(formattest.Listing(t, openFile(t, "testdata/"+name, format.DefaultLimits)), "package/zhard.js")
		if tool := dropLine(formattest.DirListing(t, dir), "package/zhard.js"); got != tool {
			t.Errorf("%s: listing:\n%s\ntar extracted:\n%s", name, got, tool)
		}
	}
}

// TestCorpus compares listings of the shared corpus's tarballs with what
// GNU tar extracts.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob("/work/shared/corpus/cases/*/after/*.t*gz")
	if len(paths) == 0 {
		t.Skip("no corpus")
	}
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar not installed")
	}
	if len(paths) > 8 {
		paths = paths[:8]
	}
	for _, p := range paths {
		dir := t.TempDir()
		if out, err := exec.Command("tar", "-xf", p, "-C", dir).CombinedOutput(); err != nil {
			t.Fatalf("tar -x %s: %v\n%s", p, err, out)
		}
		if got, tool := formattest.Listing(t, openFile(t, p, format.DefaultLimits)), formattest.DirListing(t, dir); got != tool {
			t.Errorf("%s: listing:\n%s\ntar extracted:\n%s", p, got, tool)
		}
	}
}

func dropLine(listing, path string) string {
	var keep []string
	for _, l := range strings.SplitAfter(listing, "\n") {
		if l != "" && !strings.HasSuffix(l, "  "+path+"\n") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

func TestSparse(t *testing.T) {
	want := formattest.ReadFile(t, "testdata/sparse.tar.sha256")
	for _, name := range []string{"sparse.tar", "sparse.pax.tar"} {
		if got := formattest.Listing(t, openFile(t, "testdata/"+name, format.DefaultLimits)); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}

// TestSparseBomb checks that filling in a sparse file's holes counts
// against the budget: 10 KB of plain tar holds a 1 MiB file.
func TestSparseBomb(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxTotalBytes = 512 << 10
	fsys := openFile(t, "testdata/sparse.tar", lim)
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleEntryTooLarge || !strings.Contains(p[0].Message, format.ErrLimit.Error()) {
		t.Errorf("problems %+v; want the spool budget hit", p)
	}
}

func TestOpenStream(t *testing.T) {
	want := formattest.ReadFile(t, "testdata/ok.tar.sha256")
	for _, name := range []string{"ok.tar", "ok.concat.tar.gz", "ok.tar.zst"} {
		f, err := os.Open("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := OpenStream(f, format.DefaultLimits)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := formattest.Listing(t, tree); got != want {
			t.Errorf("%s: listing:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

func TestTraversal(t *testing.T) {
	fsys := openFile(t, "testdata/fail_traversal.tar", format.DefaultLimits)
	for name, content := range map[string]string{"evil.sh": "echo evil\n", "etc/x": "x\n"} {
		if b, err := fs.ReadFile(fsys, name); err != nil || string(b) != content {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
	got := fmt.Sprint(problems(fsys))
	want := fmt.Sprint([]format.Problem{
		{Path: "evil.sh", Rule: format.RulePathTraversal, Message: `entry name "../../evil.sh" escapes the container; shown as "evil.sh"`, Offset: 0},
		{Path: "etc/x", Rule: format.RulePathTraversal, Message: `entry name "/etc/x" escapes the container; shown as "etc/x"`, Offset: 1024},
	})
	if got != want {
		t.Errorf("problems:\n%s\nwant\n%s", got, want)
	}
}

func TestTruncated(t *testing.T) {
	fsys := openFile(t, "testdata/fail_truncated.tar.gz", format.DefaultLimits)
	if _, err := fs.ReadFile(fsys, "part1.bin"); err != nil {
		t.Errorf("part1.bin, before the cut: %v", err)
	}
	if _, err := fs.Stat(fsys, "part4.bin"); err == nil {
		t.Errorf("part4.bin, after the cut, is listed")
	}
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleMalformed || p[0].Offset <= 0 {
		t.Errorf("problems: %+v, want one %s with an offset", p, format.RuleMalformed)
	}
}

func TestBomb(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	fsys := openFile(t, "testdata/fail_bomb.tar.gz", lim)
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleEntryTooLarge || p[0].Path != "zeros.bin" {
		t.Errorf("entry over MaxEntryBytes: problems %+v", p)
	}
	lim = format.DefaultLimits
	lim.MaxTotalBytes = 1 << 20
	fsys = openFile(t, "testdata/fail_bomb.tar.gz", lim)
	p = problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleEntryTooLarge || !strings.Contains(p[0].Message, format.ErrLimit.Error()) {
		t.Errorf("archive over MaxTotalBytes: problems %+v", p)
	}
}

func TestEntryLimit(t *testing.T) {
	lim := format.DefaultLimits
	// Headers count, directories too: package/, package/ddd.../, then
	// two files.
	lim.MaxEntries = 4
	fsys := openFile(t, "testdata/ok.tar.gz", lim)
	if n := strings.Count(formattest.Listing(t, fsys), "\n"); n != 2 {
		t.Errorf("%d entries listed, want 2", n)
	}
	if p := problems(fsys); len(p) != 1 || p[0].Rule != format.RuleTooManyFiles {
		t.Errorf("problems: %+v", p)
	}
}

func TestMatch(t *testing.T) {
	for _, name := range okTars {
		b, _ := os.ReadFile("testdata/" + name)
		if len(b) > 4096 {
			b = b[:4096]
		}
		// Any name: the bytes decide, except for zstd and bzip2, whose
		// first block need not fit in the head.
		renamed := "x.bin"
		if strings.HasSuffix(name, ".zst") || strings.HasSuffix(name, ".bz2") {
			renamed = "x.tar" + filepath.Ext(name)
		}
		if !Format.Match(renamed, b) {
			t.Errorf("%s: Match(%q) = false", name, renamed)
		}
	}
	b, _ := os.ReadFile("../zip/testdata/ok.zip")
	if Format.Match("ok.zip", b) {
		t.Errorf("Match of a zip = true")
	}
	// A gzip that is no tar is package compress's.
	_, err := Format.Open("x.gz", bytes.NewReader(gz(t, "just text, no tar header")), format.DefaultLimits)
	if !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("Open of a gzipped text: %v, want ErrNotFormat", err)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	cmd := exec.Command("gzip", "-c")
	cmd.Stdin = strings.NewReader(s)
	out, err := cmd.Output()
	if err != nil {
		t.Skip("gzip:", err)
	}
	return out
}

func TestTrailing(t *testing.T) {
	fsys := openFile(t, "testdata/fail_trailing.tar.gz", format.DefaultLimits)
	if got, want := formattest.Listing(t, fsys), formattest.ReadFile(t, "testdata/ok.tar.sha256"); got != want {
		t.Errorf("listing:\n%s\nwant:\n%s", got, want)
	}
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != format.RuleMalformed || p[0].Offset != 30720 {
		t.Errorf("problems %+v; want one %s at offset 30720, the end of ok.tar", p, format.RuleMalformed)
	}
}
