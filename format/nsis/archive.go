package nsis

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/vigilsec/vigil/format"
)

// archive is one opened installer.
type archive struct {
	src   format.Source
	base  int64 // offset of the first header in src
	end   int64 // end of the installer data, within src
	fh    firstHeader
	comp  compression
	lim   format.Limits
	namer format.Namer

	// data is where the data block starts: an offset in src for a
	// non-solid installer, in the decompressed stream for a solid one.
	data   int64
	header []byte // the decompressed install script header

	// positions are the data blocks the entries read; follow marks those
	// whose next block is read too (the uninstaller's).
	positions []uint32
	follow    map[uint32]bool
	solidOnce sync.Once
	solid     *solidStore
}

const maskCompressed = 1 << 31

func newArchive(src format.Source, base int64, fh firstHeader, lim format.Limits) (*archive, error) {
	a := &archive{src: src, base: base, fh: fh, lim: lim, end: src.Size()}
	if fh.headerLen < 4+8*8 || fh.headerLen > maxHeaderLen || int64(fh.headerLen) > lim.MaxEntryBytes {
		return nil, fmt.Errorf("%w: header size %d", errCorrupt, fh.headerLen)
	}
	if fh.archLen < firstHeaderLen+4 {
		return nil, fmt.Errorf("%w: archive size %d", errCorrupt, fh.archLen)
	}
	if want := base + int64(fh.archLen); want <= a.end {
		a.end = want
	} else {
		a.namer.Add(format.Problem{
			Rule:    format.RuleMalformed,
			Message: fmt.Sprintf("installer data is truncated: %d of %d bytes present", a.end-base, fh.archLen),
			Offset:  a.end,
		})
	}
	sig := make([]byte, 12)
	if err := readFull(src, sig, base+firstHeaderLen); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	a.comp = detect(sig, fh.headerLen)
	a.comp.maxOut = max(lim.MaxEntryBytes, int64(fh.headerLen)+4)
	if a.comp.solid {
		a.comp.maxOut = lim.MaxTotalBytes
	}
	if err := a.readHeader(); err != nil {
		return nil, err
	}
	a.checkCRC()
	return a, nil
}

// readHeader decompresses the install script header and finds the data
// block behind it.
func (a *archive) readHeader() error {
	start := a.base + firstHeaderLen
	if a.comp.solid {
		r, err := a.comp.decompressor(io.NewSectionReader(a.src, start, a.end-start))
		if err != nil {
			return fmt.Errorf("%w: header: %v", errCorrupt, err)
		}
		var n [4]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return fmt.Errorf("%w: header: %v", errCorrupt, noEOF(err))
		}
		if binary.LittleEndian.Uint32(n[:]) != a.fh.headerLen {
			return fmt.Errorf("%w: header size disagrees with first header", errCorrupt)
		}
		if err := a.readHeaderFrom(r); err != nil {
			return err
		}
		a.data = 4 + int64(a.fh.headerLen)
		return nil
	}
	rc, size, err := a.block(start)
	if err != nil {
		return fmt.Errorf("%w: header: %v", errCorrupt, err)
	}
	if err := a.readHeaderFrom(rc); err != nil {
		return err
	}
	a.data = start + 4 + size
	return nil
}

// readHeaderFrom reads the header's headerLen bytes. The buffer grows with
// what the stream really holds, so a first header that claims a huge
// header over a short stream costs no more than the stream.
func (a *archive) readHeaderFrom(r io.Reader) error {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(a.fh.headerLen)))
	if err == nil && n < int64(a.fh.headerLen) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("%w: header: %v", errCorrupt, err)
	}
	a.header = buf.Bytes()
	return nil
}

// block opens the non-solid data block at off in src: a 32-bit size, its
// high bit set when the bytes that follow are compressed. It also returns
// the block's stored size.
func (a *archive) block(off int64) (io.Reader, int64, error) {
	var n [4]byte
	if off < a.base || off+4 > a.end {
		return nil, 0, fmt.Errorf("%w: data offset %d outside the installer", errCorrupt, off)
	}
	if err := readFull(a.src, n[:], off); err != nil {
		return nil, 0, err
	}
	size := int64(binary.LittleEndian.Uint32(n[:]) &^ maskCompressed)
	compressed := binary.LittleEndian.Uint32(n[:])&maskCompressed != 0
	if off+4+size > a.end {
		return nil, 0, fmt.Errorf("%w: block at %d runs past the installer data (%d bytes)", errCorrupt, off, size)
	}
	sec := io.NewSectionReader(a.src, off+4, size)
	if !compressed {
		return sec, size, nil
	}
	comp := a.comp
	if comp.method == methodCopy {
		// The header was stored, so it did not say how files are
		// compressed; the block's first bytes do.
		var sig [12]byte
		sec.ReadAt(sig[:], 0)
		comp.method, comp.filter = sniff(sig[:])
	}
	r, err := comp.decompressor(sec)
	if err != nil {
		return nil, 0, err
	}
	return r, size, nil
}
