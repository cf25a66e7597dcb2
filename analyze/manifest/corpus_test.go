package manifest

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

// corpus is the shared release corpus, next to the repository.
const corpus = "../../../shared/corpus/cases"

// release returns the files of a corpus artifact (.tgz, .tar.gz, .tar.xz,
// .zip, .whl, or a plain file), skipping the test when it is absent.
func release(t testing.TB, c, side string) []*analyze.File {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(corpus, c, side, "*"))
	if len(m) != 1 {
		t.Skipf("corpus case %s/%s not available", c, side)
	}
	data, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	var files []*analyze.File
	add := func(name string, b []byte) {
		files = append(files, &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)})
	}
	var r io.Reader
	switch p := m[0]; {
	case strings.HasSuffix(p, ".tgz"), strings.HasSuffix(p, ".tar.gz"):
		if r, err = gzip.NewReader(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(p, ".tar.xz"):
		if r, err = xz.NewReader(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(p, ".zip"), strings.HasSuffix(p, ".whl"):
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
		add(filepath.Base(p), data)
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
