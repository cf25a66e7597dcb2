package endpoint

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

	"github.com/vigilsec/vigil/analyze"
)

// corpus is the shared release corpus, next to the repository.
const corpus = "../../../shared/corpus/cases"

// readRelease returns the files of a .tgz/.tar.gz or .zip artifact, or of
// a plain file, skipping the test when the corpus is absent.
func readRelease(t testing.TB, path string) []*analyze.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	var files []*analyze.File
	add := func(name string, b []byte) {
		files = append(files, &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)})
	}
	switch {
	case strings.HasSuffix(path, ".tgz"), strings.HasSuffix(path, ".tar.gz"):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(zr)
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
	default:
		add(filepath.Base(path), data)
		files[0].Kind = analyze.Text // an archive read whole, as text
	}
	return files
}

func artifact(t testing.TB, c, side string) string {
	m, _ := filepath.Glob(filepath.Join(corpus, c, side, "*"))
	if len(m) != 1 {
		t.Skipf("corpus case %s/%s not available", c, side)
	}
	return m[0]
}

func facts(files []*analyze.File) []analyze.FileFacts {
	var out []analyze.FileFacts
	for _, f := range files {
		ff := analyze.FileFacts{Path: f.Path, Rel: f.Path, Kind: f.Kind, Facts: map[string]string{}}
		Analyzer{}.Record(f, ff.Facts)
		out = append(out, ff)
	}
	return out
}
