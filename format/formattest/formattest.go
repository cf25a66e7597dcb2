// Package formattest holds the helpers the format packages' tests share
// to compare what an fs.FS of theirs holds with a committed listing or
// with what a real tool extracts.
package formattest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
)

// Open reads the file at path and opens it with f under its base name,
// failing the test when it cannot be read, when f does not match its base
// name and first 4 KiB, or when f fails to open it.
func Open(t testing.TB, f format.Format, path string, lim format.Limits) fs.FS {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Match(filepath.Base(path), format.Head(bytes.NewReader(b), 4096)) {
		t.Fatalf("%s: Match = false", path)
	}
	fsys, err := f.Open(filepath.Base(path), bytes.NewReader(b), lim)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fsys
}

// Problems returns the problems fsys, a format.ProblemReporter, reports.
func Problems(fsys fs.FS) []format.Problem { return fsys.(format.ProblemReporter).Problems() }

// Listing returns "sha256  path" lines for every file in fsys, sorted by
// path, in sha256sum's format. A walk or read error fails the test.
func Listing(t testing.TB, fsys fs.FS) string {
	t.Helper()
	return Sums(t, fsys, "", nil)
}

// Sums is Listing with prefix before each path ("./" for sha256sum run
// in an extraction directory) and only the files keep accepts; a nil keep
// accepts every file. keep sees each path that is not a directory before
// it is read.
func Sums(t testing.TB, fsys fs.FS, prefix string, keep func(p string, d fs.DirEntry) bool) string {
	t.Helper()
	var lines []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || keep != nil && !keep(p, d) {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%x  %s%s\n", sha256.Sum256(b), prefix, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return Sorted(lines)
}

// ListingErrs is Listing for a file system some of whose files may fail
// to read: those are left out of the listing and returned by path. A walk
// error still fails the test.
func ListingErrs(t testing.TB, fsys fs.FS) (string, map[string]error) {
	t.Helper()
	var lines []string
	errs := map[string]error{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs[p] = err
			return nil
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(b), p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return Sorted(lines), errs
}

// DirListing is Listing for a directory a real tool extracted into; a
// symbolic link's content is its target, as in the archive. Paths are
// relative to dir, with forward slashes.
func DirListing(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var b []byte
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			b = []byte(target)
		} else if b, err = os.ReadFile(p); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(b), filepath.ToSlash(rel)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return Sorted(lines)
}

// Sorted sorts "sha256  path" lines by path, as LC_ALL=C sort -k2 does,
// and joins them.
func Sorted(lines []string) string {
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return strings.Join(lines, "")
}

// ReadFile returns the content of the file at path, failing the test
// when it cannot be read.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// WriteProblems writes a line for each problem fsys, a
// format.ProblemReporter, reports: "problem RULE at OFFSET: PATH: MESSAGE".
func WriteProblems(w io.Writer, fsys fs.FS) {
	for _, p := range Problems(fsys) {
		fmt.Fprintf(w, "problem %s at %d: %s: %s\n", p.Rule, p.Offset, p.Path, p.Message)
	}
}

// Golden compares got with the committed listing in file, after writing
// got there when update is set (a test's -update flag), and reports a
// difference as an error showing got.
func Golden(t testing.TB, file, got string, update bool) {
	t.Helper()
	if update {
		os.WriteFile(file, []byte(got), 0o644)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("listing differs from %s:\n%s", file, got)
	}
}

// ReadAll reads every regular file of fsys to the end, ignoring errors,
// and returns the paths it walked. Fuzz tests use it to drive a format's
// readers over hostile input; what they assert is up to them.
func ReadAll(fsys fs.FS) []string {
	var paths []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		paths = append(paths, p)
		if f, err := fsys.Open(p); err == nil {
			io.Copy(io.Discard, f)
			f.Close()
		}
		return nil
	})
	return paths
}
