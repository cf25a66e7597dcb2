package compress

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

// newXzReader checks the first block's dictionary size before handing r
// to the decoder. Later blocks and streams are not checked; their
// dictionary grows to what they declare, which costs address space but
// only the memory actually written.
func newXzReader(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 12+1024)
	head, _ := br.Peek(12 + 1024)
	if dict, ok := xzDict(head); ok && dict > MaxWindow {
		return nil, fmt.Errorf("xz: dictionary of %d bytes, over %d", dict, MaxWindow)
	}
	x, err := xz.NewReader(br)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(x), nil
}

// xzDict returns the LZMA2 dictionary size the first block header in head
// declares (xz file format 1.2.1, sections 2.1 and 3.1).
func xzDict(head []byte) (int64, bool) {
	const streamHeader = 12
	if len(head) < streamHeader+2 || head[streamHeader] == 0 {
		return 0, false // no block: an empty stream
	}
	block := head[streamHeader:]
	size := (int(block[0]) + 1) * 4
	if len(block) < size {
		return 0, false
	}
	flags := block[1]
	p := block[2:size]
	skip := func() bool {
		_, n := binary.Uvarint(p)
		if n <= 0 {
			return false
		}
		p = p[n:]
		return true
	}
	if flags&0x40 != 0 && !skip() { // compressed size
		return 0, false
	}
	if flags&0x80 != 0 && !skip() { // uncompressed size
		return 0, false
	}
	for i := 0; i <= int(flags&3); i++ {
		id, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, false
		}
		p = p[n:]
		props, n := binary.Uvarint(p)
		if n <= 0 || uint64(len(p)-n) < props {
			return 0, false
		}
		p = p[n:]
		if id == 0x21 && props == 1 { // LZMA2
			code := int64(p[0] & 0x3f)
			if code > 40 {
				return 0, false
			}
			if code == 40 {
				return 1<<32 - 1, true
			}
			return (2 | code&1) << (code/2 + 11), true
		}
		p = p[props:]
	}
	return 0, false
}
