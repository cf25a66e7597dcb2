package dmg

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/format"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func need7zz(t *testing.T) {
	if _, err := exec.LookPath(Program); err != nil {
		t.Skip("7zz not installed")
	}
}

// openBoth opens hello.dmg twice: files extracted in one 7zz run, and
// (with no budget for that) one 7zz run per file.
func openBoth(t *testing.T) map[string]*format.Tree {
	b := read(t, "hello.dmg")
	out := map[string]*format.Tree{}
	for mode, budget := range map[string]int64{"one run": 1 << 30, "run per file": 0} {
		img, err := copyToTemp(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		x := &sevenZip{bin: Program, img: img, timeout: time.Minute}
		listing, err := x.output("l", "-slt")
		if err != nil {
			t.Fatal(err)
		}
		items, err := parseListing(listing)
		if err != nil {
			t.Fatal(err)
		}
		x.spool, x.offsets = x.extractAll(items, budget)
		if (x.spool != nil) != (budget > 0) {
			t.Errorf("%s: spool = %v", mode, x.spool)
		}
		out[mode] = x.tree(items, format.DefaultLimits)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	need7zz(t)
	if !Format.Match("hello.dmg", nil) || Format.Match("hello.img", nil) {
		t.Error("Match is not by .dmg name")
	}
	if _, err := Open(bytes.NewReader(read(t, "hello.dmg")), format.DefaultLimits); err != nil {
		t.Fatal(err)
	}
	for mode, tree := range openBoth(t) {
		var lines []string
		fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || p == "Applications" {
				return err
			}
			b, err := fs.ReadFile(tree, p)
			if err != nil {
				t.Errorf("%s: %s: %v", mode, p, err)
			}
			lines = append(lines, fmt.Sprintf("%x  ./%s\n", sha256.Sum256(b), p))
			return nil
		})
		sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
		if got, want := strings.Join(lines, ""), string(read(t, "hello.dmg.sha256")); got != want {
			t.Errorf("%s: files differ from the source tree:\ngot:\n%s\nwant:\n%s", mode, got, want)
		}
		if b, err := fs.ReadFile(tree, "Applications"); err != nil || string(b) != "/Applications" {
			t.Errorf("%s: Applications link = %q, %v", mode, b, err)
		}
		// A reader that goes on reading after the end (io.Copy into a
		// hasher, then a peek) keeps getting io.EOF.
		f, err := tree.Open("MyApp.app/Contents/MacOS/MyApp")
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(f)
		if n, err := f.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Errorf("%s: read after the end = %d, %v", mode, n, err)
		}
		f.Close()
	}
}

func TestCorrupt(t *testing.T) {
	need7zz(t)
	tree, err := Open(bytes.NewReader(read(t, "fail_corrupt.dmg")), format.DefaultLimits)
	if err != nil {
		// 7zz refused to list it: the walker reports that on the .dmg.
		if errors.Is(err, format.ErrNotFormat) {
			t.Errorf("corrupt image: %v", err)
		}
		return
	}
	failed := false
	fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if _, err := fs.ReadFile(tree, p); err != nil {
				failed = true
			}
		}
		return nil
	})
	if !failed {
		t.Error("every file of a corrupt image read without error")
	}
}

func TestNotDMG(t *testing.T) {
	if _, err := Open(bytes.NewReader(read(t, "fail_nokoly.dmg")), format.DefaultLimits); !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("no koly: %v", err)
	}
}

func TestNo7zz(t *testing.T) {
	old := Program
	Program = "7zz-not-installed-here"
	defer func() { Program = old }()
	_, err := Format.Open("hello.dmg", bytes.NewReader(read(t, "hello.dmg")), format.DefaultLimits)
	if !errors.Is(err, ErrNo7zz) || err.Error() != "DMG not opened: 7zz not installed" {
		t.Errorf("Open = %v", err)
	}
}

func TestParseListing(t *testing.T) {
	out := "Listing archive: /dev/fd/3\n--\nPath = /dev/fd/3\nType = Dmg\n----------\n" +
		"Path = a = b\nFolder = -\nSize = 12\nModified = 2023-11-14 22:13:20\nSymbolic Link = \n\n" +
		"Path = dir\nFolder = +\nSize = \n\n" +
		"Path = link\nSize = 0\nSymbolic Link = /Applications\n"
	items, err := parseListing([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].path != "a = b" || items[0].size != 12 || items[0].modTime.Year() != 2023 ||
		!items[1].dir || items[2].link != "/Applications" {
		t.Errorf("items = %+v", items)
	}
	if _, err := parseListing([]byte("Listing archive: x\n")); err == nil {
		t.Error("no items: no error")
	}
}

func FuzzParseListing(f *testing.F) {
	f.Add([]byte("--\nPath = x\n----------\nPath = a\nSize = 1\n\nPath = b\nFolder = +\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := parseListing(b)
		if err != nil {
			return
		}
		x := &sevenZip{}
		x.tree(items, format.DefaultLimits)
	})
}

func BenchmarkOpen(b *testing.B) {
	if _, err := exec.LookPath(Program); err != nil {
		b.Skip("7zz not installed")
	}
	data := read(b, "hello.dmg")
	for b.Loop() {
		tree, err := Open(bytes.NewReader(data), format.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		fs.ReadFile(tree, "MyApp.app/Contents/Resources/data.txt")
	}
}
