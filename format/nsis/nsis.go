// Package nsis opens Nullsoft (NSIS) installers as an fs.FS without running
// them: it finds the installer data behind the PE stub, decompresses the
// install script, and names every file the script extracts by the path it
// would be installed to ($INSTDIR/..., $PLUGINSDIR/...).
//
// Besides the files, the FS holds "[NSIS].nsi", the install script decoded
// to text (one command per line, so that script changes diff like code),
// and the uninstaller that WriteUninstaller would write, itself an NSIS
// installer. A path the script writes more than once is listed once per
// distinct content, the later copies as "name~2", "name~3". Files open
// lazily; a solid installer is decompressed once, on the first open, and
// its files kept in memory up to 32 MB and in an unlinked temporary file
// beyond that.
//
// zlib (deflate), bzip2 and LZMA, solid or not, ANSI and Unicode, 32- and
// 64-bit installers of NSIS 3 are read; NSIS 2 ANSI strings are decoded
// too. The layout follows makensis 3 (Source/fileform.h) and 7-Zip's
// reader (CPP/7zip/Archive/Nsis/NsisIn.cpp), which documents the older
// variants.
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
// puts it at a multiple of 512 after the stub, and the installer itself
// finds it by scanning those offsets from the start of the file, so we do
// the same. The file is read in large chunks: most PE files handed to
// Open are not installers and are read to their end.
func findFirstHeader(src format.Source) (int64, firstHeader, bool) {
	const chunk = 1 << 20 // a multiple of 512
	buf := make([]byte, chunk+firstHeaderLen)
	for start := int64(0); start < src.Size(); start += chunk {
		n, _ := src.ReadAt(buf, start)
		i := 0
		if start == 0 {
			i = 512 // offset 0 holds the PE header
		}
		for ; i < chunk && i+firstHeaderLen <= n; i += 512 {
			if !bytes.Equal(buf[i+4:i+20], signature) {
				continue
			}
			return start + int64(i), firstHeader{
				flags:     binary.LittleEndian.Uint32(buf[i:]),
				headerLen: binary.LittleEndian.Uint32(buf[i+20:]),
				archLen:   binary.LittleEndian.Uint32(buf[i+24:]),
			}, true
		}
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
