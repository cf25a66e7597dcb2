package sevenzip

import (
	"fmt"
	"io"
	"sync"

	sevenzip "github.com/vigilsec/vigil/format/sevenzip/internal/bodgit"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// A stream is one compressed stream of the archive and the listed files
// stored in it, in stored order.
type stream struct {
	lim    format.Limits
	budget *budget
	files  []*sevenzip.File

	once  sync.Once
	spool *compress.Spool
	parts []part // parts[i] is files[i] in spool
}

type part struct {
	off, n int64
	err    error
}

// budget is what the archive's shared streams may still unpack to.
type budget struct {
	mu          sync.Mutex
	left, total int64
}

func (b *budget) take(n int64) {
	b.mu.Lock()
	b.left -= n
	b.mu.Unlock()
}

func (b *budget) remaining() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left
}

// opener returns the Open function of files[i], whose File is f.
func (s *stream) opener(i int, f *sevenzip.File) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		if len(s.files) == 1 {
			rc, err := openEntry(f)
			if err != nil {
				return nil, err
			}
			return readCloser{format.LimitReader(rc, s.lim.MaxEntryBytes), rc}, nil
		}
		s.once.Do(s.unpack)
		p := s.parts[i]
		r := io.NewSectionReader(s.spool, p.off, p.n)
		if p.err != nil {
			// What was read before the error, then the error.
			return format.NopCloser(io.MultiReader(r, errReader{p.err})), nil
		}
		return format.NopCloser(r), nil
	}
}

// unpack decompresses the stream once, in stored order, into the spool.
// A file that fails to read keeps what was read and its error; the files
// after it are still tried.
func (s *stream) unpack() {
	s.spool = compress.NewSpool(compress.MemoryBudget)
	s.parts = make([]part, len(s.files))
	for i, f := range s.files {
		p := &s.parts[i]
		p.off = s.spool.Size()
		left := s.budget.remaining()
		if left <= 0 {
			p.err = format.LimitError("archive bytes", s.budget.total)
			continue
		}
		rc, err := openEntry(f)
		if err != nil {
			p.err = err
			continue
		}
		lr := format.LimitReader(rc, min(s.lim.MaxEntryBytes, left))
		p.n, p.err = io.Copy(s.spool, lr)
		rc.Close()
		s.budget.take(p.n)
		if p.err == nil && uint64(p.n) != f.UncompressedSize {
			p.err = fmt.Errorf("7z: %s: read %d bytes, header says %d", f.Name, p.n, f.UncompressedSize)
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type readCloser struct {
	io.Reader
	io.Closer
}
