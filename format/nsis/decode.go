package nsis

import (
	"bufio"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// method is how the installer data is compressed (SetCompressor).
type method int

const (
	methodCopy method = iota
	methodDeflate
	methodBzip2
	methodLZMA
)

func (m method) String() string {
	return [...]string{"none", "zlib", "bzip2", "lzma"}[m]
}

// compression is what the bytes after the first header say about how the
// installer was compressed.
type compression struct {
	method method
	solid  bool
	// filter is set when every LZMA stream starts with a filter byte
	// (0: none, 1: x86 BCJ) before its properties.
	filter bool
	// maxOut is the most bytes any one stream may produce; the LZMA
	// dictionary never needs to be larger.
	maxOut int64
}

// detect reads the method from the bytes that follow the first header, as
// 7-Zip does: a solid archive starts with the compressed stream, a
// non-solid one with the header block's size, the high bit set when that
// block is compressed.
//
//	5D 00 00 dd dd 00          solid LZMA
//	01 5D 00 00 dd dd 00       solid LZMA, filter byte
//	31 tt                      solid bzip2 (tt < 14)
//	SS SS SS 80 [01] 5D ...    non-solid LZMA
//	SS SS SS 80 31 tt          non-solid bzip2
//	SS SS SS 80                non-solid deflate
//	anything else              solid deflate
func detect(sig []byte, headerLen uint32) compression {
	if len(sig) < 12 {
		return compression{method: methodCopy}
	}
	if binary.LittleEndian.Uint32(sig) == headerLen {
		return compression{method: methodCopy}
	}
	if ok, filter := isLZMA(sig); ok {
		return compression{method: methodLZMA, solid: true, filter: filter}
	}
	if sig[3] == 0x80 {
		m, filter := sniff(sig[4:])
		return compression{method: m, filter: filter}
	}
	if isBzip2(sig) {
		return compression{method: methodBzip2, solid: true}
	}
	return compression{method: methodDeflate, solid: true}
}

// sniff tells the method of one compressed block by its first bytes.
func sniff(p []byte) (m method, filter bool) {
	if ok, filter := isLZMA(p); ok {
		return methodLZMA, filter
	}
	if isBzip2(p) {
		return methodBzip2, false
	}
	return methodDeflate, false
}

func isLZMA(p []byte) (ok, filter bool) {
	props := func(p []byte) bool {
		return p[0] == 0x5D && p[1] == 0 && p[2] == 0 && p[5] == 0 && p[6]&0x80 == 0
	}
	if props(p) {
		return true, false
	}
	if p[0] <= 1 && props(p[1:]) {
		return true, true
	}
	return false, false
}

func isBzip2(p []byte) bool { return p[0] == 0x31 && p[1] < 14 }

// maxDict bounds the LZMA dictionary allocated for one stream: makensis
// defaults to 8 MB, and a hostile header must not make us allocate a
// gigabyte.
const maxDict = 128 << 20

// decompressor returns a reader of the decompressed stream r.
func (c compression) decompressor(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	switch c.method {
	case methodCopy:
		return br, nil
	case methodDeflate:
		return flate.NewReader(br), nil
	case methodBzip2:
		return newBzip2Reader(br), nil
	case methodLZMA:
		return newLZMA(br, c.filter, c.maxOut)
	}
	return nil, errors.New("unknown compression")
}

// newLZMA reads NSIS's LZMA stream: an optional filter byte, the five
// property bytes and raw LZMA data. ulikunitz/xz/lzma wants the 13-byte
// .lzma header, so we give it one with the size unknown. The dictionary is
// cut to maxOut: no match can reach further back than the output the
// caller will read.
func newLZMA(r *bufio.Reader, filter bool, maxOut int64) (io.Reader, error) {
	bcj := false
	if filter {
		f, err := r.ReadByte()
		if err != nil {
			return nil, noEOF(err)
		}
		if f > 1 {
			return nil, errors.New("unknown LZMA filter")
		}
		bcj = f == 1
	}
	var hdr [lzma.HeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:5]); err != nil {
		return nil, noEOF(err)
	}
	dict := binary.LittleEndian.Uint32(hdr[1:])
	if dict > maxDict {
		return nil, errors.New("LZMA dictionary too large")
	}
	if maxOut > 0 && int64(dict) > maxOut {
		dict = uint32(max(maxOut, lzma.MinDictCap))
		binary.LittleEndian.PutUint32(hdr[1:], dict)
	}
	binary.LittleEndian.PutUint64(hdr[5:], ^uint64(0))
	lr, err := lzma.ReaderConfig{DictCap: maxDict}.NewReader(io.MultiReader(bytesReader(hdr[:]), r))
	if err != nil {
		return nil, err
	}
	if bcj {
		return newBCJ(lr), nil
	}
	return lr, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
