// Package corpustest reads the shared release corpus in tests. The
// corpus lives at ../shared/corpus next to the repository root; every
// function here skips the calling test when it is not there.
package corpustest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/vigilsec/vigil/analyze"
)

// Dir returns the shared corpus, ../shared/corpus next to the repository
// root (the nearest directory above the working directory holding
// go.mod). It skips the test when the root or the corpus's cases
// directory is not found.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(c, "cases")); err != nil {
		t.Skip("corpus not present at ../shared/corpus")
	}
	return c
}

// Artifact returns the path of the one artifact of corpus case c on side
// ("before" or "after"). It skips the test unless exactly one file is
// there.
func Artifact(t testing.TB, c, side string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(Dir(t), "cases", c, side, "*"))
	if len(m) != 1 {
		t.Skipf("corpus case %s/%s not available", c, side)
	}
	return m[0]
}

// Release returns the files of the artifact of corpus case c on side,
// as Files reads them, skipping the test when it is absent.
func Release(t testing.TB, c, side string) []*analyze.File {
	t.Helper()
	return Files(t, Artifact(t, c, side))
}

// Files returns the files of the artifact at path: the regular files of
// a .tgz, .tar.gz or .tar.xz, every file of a .zip or .whl that opens
// (a file that does not is left out), or else the file itself under its
// base name. Each file's Kind is what analyze.Sniff says. A file that
// cannot be read, or a tar stream that is corrupt, fails the test.
func Files(t testing.TB, path string) []*analyze.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []*analyze.File
	add := func(name string, b []byte) {
		files = append(files, &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)})
	}
	var r io.Reader
	switch {
	case strings.HasSuffix(path, ".tgz"), strings.HasSuffix(path, ".tar.gz"):
		if r, err = gzip.NewReader(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(path, ".tar.xz"):
		if r, err = xz.NewReader(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(path, ".zip"), strings.HasSuffix(path, ".whl"):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			add(f.Name, b)
		}
		return files
	default:
		add(filepath.Base(path), data)
		return files
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			add(h.Name, b)
		}
	}
	return files
}
