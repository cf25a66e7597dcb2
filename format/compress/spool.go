package compress

import (
	"bytes"
	"io"
	"os"

	"github.com/vigilsec/vigil/format"
)

// MemoryBudget is how many decompressed bytes a Spool keeps in memory
// before it moves them to a temporary file.
const MemoryBudget = 64 << 20

// A Spool collects bytes read once from a stream that has no random access
// (a decompressor) so that they can be read again at any offset. It keeps
// them in memory up to MemoryBudget and past that in an anonymous temporary
// file: vigil names the file itself and removes it at once, so no name an
// archive chose reaches the file system, and the space is freed when the
// file is closed or garbage collected.
type Spool struct {
	buf    []byte
	f      *os.File
	size   int64
	budget int64
}

// NewSpool returns an empty spool that keeps up to budget bytes in memory;
// callers pass MemoryBudget, tests something small.
func NewSpool(budget int64) *Spool { return &Spool{budget: budget} }

// Write appends p.
func (s *Spool) Write(p []byte) (int, error) {
	if s.f == nil && int64(len(s.buf)+len(p)) > s.budget {
		if err := s.spill(); err != nil {
			return 0, err
		}
	}
	if s.f == nil {
		s.buf = append(s.buf, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	n, err := s.f.WriteAt(p, s.size)
	s.size += int64(n)
	return n, err
}

func (s *Spool) spill() error {
	f, err := os.CreateTemp("", "vigil-spool-*")
	if err != nil {
		return err
	}
	// Unlinked at once: the open descriptor is the only way to the data.
	os.Remove(f.Name())
	if _, err := f.WriteAt(s.buf, 0); err != nil {
		f.Close()
		return err
	}
	s.f, s.buf = f, nil
	return nil
}

// Size returns the number of bytes written.
func (s *Spool) Size() int64 { return s.size }

// ReadAt implements io.ReaderAt over the bytes written so far.
func (s *Spool) ReadAt(p []byte, off int64) (int, error) {
	if s.f != nil {
		if off >= s.size {
			return 0, io.EOF
		}
		if rest := s.size - off; int64(len(p)) > rest {
			n, err := s.f.ReadAt(p[:rest], off)
			if err == nil {
				err = io.EOF
			}
			return n, err
		}
		return s.f.ReadAt(p, off)
	}
	return bytes.NewReader(s.buf).ReadAt(p, off)
}

// Section returns a reader of n bytes at off.
func (s *Spool) Section(off, n int64) *io.SectionReader { return io.NewSectionReader(s, off, n) }

// Close releases the temporary file, if any. Readers of the spool fail
// afterwards. Without Close the file is released when the spool is
// garbage collected.
func (s *Spool) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	s.buf = nil
	return nil
}

var _ format.Source = (*Spool)(nil)
