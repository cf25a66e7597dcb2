package sevenzip

import (
	"fmt"
	"io"

	sevenzip "github.com/vigilsec/vigil/format/sevenzip/internal/bodgit"

	"github.com/vigilsec/vigil/format"
)

// The 7z reader panics on some malformed headers and streams (an index
// out of range, found by fuzzing); these wrappers turn a panic into an
// error for that archive or entry.

func newReader(src format.Source) (zr *sevenzip.Reader, err error) {
	defer recoverTo(&err)
	return sevenzip.NewReader(src, src.Size())
}

func openEntry(f *sevenzip.File) (rc io.ReadCloser, err error) {
	defer recoverTo(&err)
	rc, err = f.Open()
	if err != nil {
		return nil, explain(err)
	}
	return guarded{rc}, nil
}

// guarded recovers from panics in Read and passes errors through explain.
type guarded struct{ rc io.ReadCloser }

func (g guarded) Read(p []byte) (n int, err error) {
	defer recoverTo(&err)
	n, err = g.rc.Read(p)
	if err != nil && err != io.EOF {
		err = explain(err)
	}
	return n, err
}

func (g guarded) Close() (err error) {
	defer recoverTo(&err)
	return g.rc.Close()
}

func recoverTo(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("7z: malformed archive: reader failed: %v", r)
	}
}
