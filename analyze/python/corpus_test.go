package python

import (
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/internal/corpustest"
)

// release returns the files of a corpus artifact (.tgz, .tar.gz, .tar.xz,
// .zip, .whl, or a plain file), skipping the test when it is absent.
func release(t testing.TB, c, side string) []*analyze.File {
	t.Helper()
	return corpustest.Release(t, c, side)
}
