// Package nsis opens Nullsoft (NSIS) installers as an fs.FS without running
// them: it finds the installer data behind the PE stub, decompresses the
// install script, and names every file the script extracts by the path it
// would be installed to ($INSTDIR/..., $PLUGINSDIR/...).
//
// The layout follows makensis 3 (Source/fileform.h) and 7-Zip's reader
// (CPP/7zip/Archive/Nsis/NsisIn.cpp), which documents the older variants.
package nsis

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens NSIS installers.
var Format = format.Format{
	Name:  "nsis",
	Match: match,
	Open:  open,
}

// match accepts every PE file: the NSIS data sits after the PE image, far
// beyond the head Match sees, so Open decides and returns ErrNotFormat for
// other PE files.
func match(name string, head []byte) bool {
	return bytes.HasPrefix(head, []byte("MZ"))
}

// firstHeader is what makensis writes at the start of the installer data.
type firstHeader struct {
	flags     uint32
	headerLen uint32 // uncompressed size of the install script header
	archLen   uint32 // size of everything from the first header on
}

const (
	firstHeaderLen = 28
	flagUninstall  = 1
	flagNoCRC      = 4
	flagForceCRC   = 8

	// maxHeaderLen bounds the decompressed install script. Real headers are
	// at most a few MB; the header is held in memory.
	maxHeaderLen = 64 << 20
)

var signature = []byte("\xef\xbe\xad\xdeNullsoftInst")

// findFirstHeader returns the offset of the NSIS first header. makensis
// aligns it to 512 bytes after the stub, so only those offsets are read.
func findFirstHeader(src format.Source) (int64, firstHeader, bool) {
	var buf [firstHeaderLen]byte
	for off := int64(512); off+firstHeaderLen <= src.Size(); off += 512 {
		if _, err := src.ReadAt(buf[:], off); err != nil {
			break
		}
		if !bytes.Equal(buf[4:20], signature) {
			continue
		}
		return off, firstHeader{
			flags:     binary.LittleEndian.Uint32(buf[0:]),
			headerLen: binary.LittleEndian.Uint32(buf[20:]),
			archLen:   binary.LittleEndian.Uint32(buf[24:]),
		}, true
	}
	return 0, firstHeader{}, false
}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	if !bytes.HasPrefix(format.Head(src, 2), []byte("MZ")) {
		return nil, format.ErrNotFormat
	}
	base, fh, ok := findFirstHeader(src)
	if !ok {
		return nil, format.ErrNotFormat
	}
	a, err := newArchive(src, base, fh, lim)
	if err != nil {
		return nil, fmt.Errorf("nsis: %w", err)
	}
	h, err := parseHeader(a.header)
	if err != nil {
		return nil, fmt.Errorf("nsis: %w", err)
	}
	return a.tree(h), nil
}

var errCorrupt = errors.New("corrupt installer data")

func u32(b []byte, off uint32) uint32 {
	if uint64(off)+4 > uint64(len(b)) {
		return 0
	}
	return binary.LittleEndian.Uint32(b[off:])
}

// readFull reads exactly len(p) bytes at off, or fails.
func readFull(src io.ReaderAt, p []byte, off int64) error {
	n, err := src.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
