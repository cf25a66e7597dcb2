package nsis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"

	"github.com/vigilsec/vigil/format"
)

// memBudget is how many bytes of a solid installer's files are kept in
// memory; the rest go to one temporary file. A solid stream can only be
// read from its start, so its files are decompressed once, in order, and
// kept until the FS is dropped.
const memBudget = 32 << 20

// solidStore holds the files of a solid installer after one pass.
type solidStore struct {
	blobs map[uint32]*blob
	spill *os.File // unlinked at creation; closed when the store is collected
	err   error    // why the pass stopped early, if it did
}

// blob is one file's bytes: in memory, or at off in the spill file.
type blob struct {
	mem       []byte
	inFile    bool
	off, size int64
	next      uint32 // position of the block after this one
	err       error
}

// readSolid decompresses the data block once and stores the file blocks
// starting at the given positions (offsets in the data block). For the
// positions in follow it also stores the block after, which holds the
// uninstaller's data. Up to budget bytes are kept in memory.
func (a *archive) readSolid(positions []uint32, follow map[uint32]bool, budget int64) *solidStore {
	s := &solidStore{blobs: make(map[uint32]*blob)}
	positions = slices.Clone(positions)
	slices.Sort(positions)
	positions = slices.Compact(positions)
	start := a.base + firstHeaderLen
	dec, err := a.comp.decompressor(io.NewSectionReader(a.src, start, a.end-start))
	if err != nil {
		s.fail(positions, err)
		return s
	}
	// The pass reads at most MaxTotalBytes, so a bomb stops here.
	total := a.lim.MaxTotalBytes
	if total <= 0 {
		total = math.MaxInt64
	}
	r := format.LimitReader(dec, total)
	cur := int64(0)
	var used int64
	for i := 0; i < len(positions); i++ {
		pos := positions[i]
		target := a.data + int64(pos)
		if _, err := io.CopyN(io.Discard, r, target-cur); err != nil {
			s.fail(positions[i:], noEOF(err))
			return s
		}
		var n [4]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			s.fail(positions[i:], noEOF(err))
			return s
		}
		cur = target + 4
		size := int64(u32(n[:], 0) &^ maskCompressed)
		b := &blob{size: size, next: pos + 4 + uint32(size)}
		s.blobs[pos] = b
		if follow[pos] {
			if j, found := slices.BinarySearch(positions, b.next); !found {
				positions = slices.Insert(positions, j, b.next)
			}
		}
		if next := i + 1; next < len(positions) && a.data+int64(positions[next]) < cur+size {
			b.err = fmt.Errorf("%w: file at %d overlaps the next one", errCorrupt, pos)
			continue
		}
		if size > a.lim.MaxEntryBytes {
			b.err = format.LimitError("entry bytes", a.lim.MaxEntryBytes)
			continue
		}
		if used+size <= budget {
			b.mem = make([]byte, size)
			_, err = io.ReadFull(r, b.mem)
			used += size
		} else {
			b.inFile, b.off, err = true, s.spillSize(), nil
			if err = s.openSpill(); err == nil {
				_, err = io.CopyN(s.spill, r, size)
			}
		}
		cur += size
		if err != nil {
			b.err = noEOF(err)
			s.fail(positions[i+1:], b.err)
			return s
		}
	}
	return s
}

func (s *solidStore) fail(positions []uint32, err error) {
	s.err = err
	for _, pos := range positions {
		if s.blobs[pos] == nil {
			s.blobs[pos] = &blob{err: err}
		}
	}
}

func (s *solidStore) spillSize() int64 {
	if s.spill == nil {
		return 0
	}
	off, _ := s.spill.Seek(0, io.SeekCurrent)
	return off
}

// openSpill creates the temporary file the first time it is needed. It is
// removed at once (vigil never leaves files behind, and no entry name ever
// reaches the file system) and closed when the store is garbage. Windows
// cannot remove an open file, so there the removal waits until Close.
func (s *solidStore) openSpill() error {
	if s.spill != nil {
		return nil
	}
	f, err := os.CreateTemp("", "vigil-nsis-*")
	if err != nil {
		return err
	}
	removed := os.Remove(f.Name()) == nil
	s.spill = f
	runtime.AddCleanup(s, func(f *os.File) {
		f.Close()
		if !removed {
			os.Remove(f.Name())
		}
	}, f)
	return nil
}

// open returns the bytes of the block at pos and where the next starts.
func (s *solidStore) open(pos uint32) (io.Reader, uint32, error) {
	b := s.blobs[pos]
	switch {
	case b == nil:
		return nil, 0, errors.New("file not in the solid stream")
	case b.err != nil:
		return nil, 0, b.err
	case b.inFile:
		return io.NewSectionReader(s.spill, b.off, b.size), b.next, nil
	}
	return bytes.NewReader(b.mem), b.next, nil
}
