package endpoint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/internal/corpustest"
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
	switch {
	case strings.HasSuffix(path, ".tgz"), strings.HasSuffix(path, ".tar.gz"),
		strings.HasSuffix(path, ".zip"), strings.HasSuffix(path, ".whl"):
		return corpustest.Files(t, path)
	}
	// an archive read whole, as text
	name := filepath.Base(path)
	return []*analyze.File{{Path: name, Data: data, Size: int64(len(data)), Kind: analyze.Text}}
}

func artifact(t testing.TB, c, side string) string {
	return corpustest.Artifact(t, c, side)
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
