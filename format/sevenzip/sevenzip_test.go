package sevenzip

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
	sevenzip "github.com/vigilsec/vigil/format/sevenzip/internal/bodgit"
)

func openFile(t testing.TB, name string, lim format.Limits) fs.FS {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !Format.Match(name, format.Head(bytes.NewReader(b), 4096)) {
		t.Fatalf("%s: Match = false", name)
	}
	fsys, err := Format.Open(name, bytes.NewReader(b), lim)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fsys
}

func TestRoundTrip(t *testing.T) {
	for name, want := range map[string]string{
		"ok.7z":       "testdata/ok.7z.sha256",
		"nonsolid.7z": "testdata/ok.7z.sha256",
		"solid.7z":    "testdata/solid.7z.sha256",
	} {
		fsys := openFile(t, name, format.DefaultLimits)
		got, errs := formattest.ListingErrs(t, fsys)
		if len(errs) != 0 {
			t.Errorf("%s: read errors %v", name, errs)
		}
		if w := formattest.ReadFile(t, want); got != w {
			t.Errorf("%s: listing:\n%.2000s\nwant (%s):\n%.2000s", name, got, want, w)
		}
		if p := fsys.(format.ProblemReporter).Problems(); len(p) != 0 {
			t.Errorf("%s: problems %v", name, p)
		}
	}
}

// TestTool compares the listing with what 7zz extracts.
func TestTool(t *testing.T) {
	if _, err := exec.LookPath("7zz"); err != nil {
		t.Skip("7zz not installed")
	}
	for _, name := range []string{"ok.7z", "solid.7z"} {
		dir := t.TempDir()
		if out, err := exec.Command("7zz", "x", "-bd", "-snl", "-o"+dir, "testdata/"+name).CombinedOutput(); err != nil {
			t.Fatalf("7zz x %s: %v\n%s", name, err, out)
		}
		got, _ := formattest.ListingErrs(t, openFile(t, name, format.DefaultLimits))
		if tool := formattest.DirListing(t, dir); got != tool {
			t.Errorf("%s: listing:\n%.2000s\n7zz extracted:\n%.2000s", name, got, tool)
		}
	}
}

func TestCorrupt(t *testing.T) {
	_, errs := formattest.ListingErrs(t, openFile(t, "fail_corrupt.7z", format.DefaultLimits))
	if len(errs) != 1 || errs["app/lib/deep/numbers.txt"] == nil {
		t.Errorf("read errors %v; want one, for the corrupted numbers.txt", errs)
	}
}

func TestEncrypted(t *testing.T) {
	_, errs := formattest.ListingErrs(t, openFile(t, "fail_encrypted.7z", format.DefaultLimits))
	if len(errs) != 1 || !errors.Is(errs["app/index.js"], ErrEncrypted) {
		t.Errorf("read errors %v; want ErrEncrypted for app/index.js", errs)
	}
	b, err := os.ReadFile("testdata/fail_encrypted_header.7z")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Format.Open("x.7z", bytes.NewReader(b), format.DefaultLimits); !errors.Is(err, ErrEncrypted) {
		t.Errorf("Open with an encrypted file list: %v, want ErrEncrypted", err)
	}
}

func TestTruncated(t *testing.T) {
	b, err := os.ReadFile("testdata/fail_truncated.7z")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Format.Open("fail_truncated.7z", bytes.NewReader(b), format.DefaultLimits)
	if err == nil || errors.Is(err, format.ErrNotFormat) {
		t.Fatalf("Open of a 7z cut in half: %v; want an error that is not ErrNotFormat", err)
	}
}

func TestLimits(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 100
	fsys := openFile(t, "ok.7z", lim)
	_, errs := formattest.ListingErrs(t, fsys)
	if len(errs) != 1 || !errors.Is(errs["app/lib/deep/numbers.txt"], format.ErrLimit) {
		t.Errorf("read errors %v; want ErrLimit for numbers.txt", errs)
	}
	p := fsys.(format.ProblemReporter).Problems()
	if len(p) != 1 || p[0].Rule != format.RuleEntryTooLarge {
		t.Errorf("problems %v", p)
	}
	lim = format.DefaultLimits
	lim.MaxEntries = 10
	fsys = openFile(t, "solid.7z", lim)
	got, _ := formattest.ListingErrs(t, fsys)
	if n := strings.Count(got, "\n"); n != 10 {
		t.Errorf("%d entries listed, want 10", n)
	}
}

// BenchmarkSolid reads every file of a solid archive of 1000 files in path
// order, which is not the stored order.
func BenchmarkSolid(b *testing.B) {
	data, err := os.ReadFile("testdata/solid.7z")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fsys, err := Format.Open("solid.7z", bytes.NewReader(data), format.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if !d.IsDir() {
				f, _ := fsys.Open(p)
				io.Copy(io.Discard, f)
				f.Close()
			}
			return nil
		})
	}
}

// BenchmarkSolidLibrary reads the same files in path order straight from
// the 7z reader, each File.Open decompressing the stream from its start:
// the cost the spool avoids.
func BenchmarkSolidLibrary(b *testing.B) {
	data, err := os.ReadFile("testdata/solid.7z")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		zr, err := sevenzip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		files := append([]*sevenzip.File(nil), zr.File...)
		sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
		for _, f := range files {
			rc, err := f.Open()
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, rc)
			rc.Close()
		}
	}
}
