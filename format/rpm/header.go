package rpm

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Bounds from rpm's own header.c (HEADER_TAGS_MAX, HEADER_DATA_MAX): a
// header rpm itself would refuse is refused here too.
const (
	maxTags     = 0xffff
	maxDataSize = 0x0fffffff
)

// Tag data types.
const (
	typeInt16       = 3
	typeInt32       = 4
	typeInt64       = 5
	typeString      = 6
	typeBin         = 7
	typeStringArray = 8
	typeI18NString  = 9
)

var headerMagic = []byte{0x8e, 0xad, 0xe8, 0x01}

type tagEntry struct {
	typ, offset, count uint32
}

// header is one parsed rpm header structure (signature or main).
type header struct {
	tags  map[uint32]tagEntry
	store []byte
	// storeAt is the file offset of store, for evidence.
	storeAt int64
}

// readHeader parses the header at off and returns it with the offset just
// past its data store.
func readHeader(r io.ReaderAt, off, size int64) (*header, int64, error) {
	var intro [16]byte
	if _, err := r.ReadAt(intro[:], off); err != nil {
		return nil, 0, fmt.Errorf("header at %d: %w", off, err)
	}
	if string(intro[:4]) != string(headerMagic) {
		return nil, 0, fmt.Errorf("header at %d: bad magic %x", off, intro[:4])
	}
	nindex := binary.BigEndian.Uint32(intro[8:])
	hsize := binary.BigEndian.Uint32(intro[12:])
	if nindex == 0 || nindex > maxTags || hsize > maxDataSize {
		return nil, 0, fmt.Errorf("header at %d: %d tags, %d data bytes: out of bounds", off, nindex, hsize)
	}
	indexAt := off + 16
	storeAt := indexAt + int64(nindex)*16
	end := storeAt + int64(hsize)
	if end > size {
		return nil, 0, fmt.Errorf("header at %d: %d bytes past the end of the file", off, end-size)
	}
	index := make([]byte, int64(nindex)*16)
	if _, err := r.ReadAt(index, indexAt); err != nil {
		return nil, 0, err
	}
	h := &header{tags: make(map[uint32]tagEntry, nindex), store: make([]byte, hsize), storeAt: storeAt}
	if _, err := r.ReadAt(h.store, storeAt); err != nil {
		return nil, 0, err
	}
	for i := 0; i < int(nindex); i++ {
		e := index[i*16:]
		tag := binary.BigEndian.Uint32(e)
		t := tagEntry{typ: binary.BigEndian.Uint32(e[4:]), offset: binary.BigEndian.Uint32(e[8:]), count: binary.BigEndian.Uint32(e[12:])}
		if t.offset >= hsize && t.count > 0 {
			return nil, 0, fmt.Errorf("header at %d: tag %d data offset %d outside the %d-byte store", off, tag, t.offset, hsize)
		}
		h.tags[tag] = t
	}
	return h, end, nil
}

// strings returns a string or string-array tag's values. A value running
// off the end of the store is cut there.
func (h *header) strings(tag uint32) []string {
	t, ok := h.tags[tag]
	if !ok {
		return nil
	}
	switch t.typ {
	case typeString:
		t.count = 1
	case typeStringArray, typeI18NString:
	default:
		return nil
	}
	var out []string
	data := h.store[t.offset:]
	for i := uint32(0); i < t.count && len(data) > 0; i++ {
		n := 0
		for n < len(data) && data[n] != 0 {
			n++
		}
		out = append(out, string(data[:n]))
		if n == len(data) {
			break
		}
		data = data[n+1:]
	}
	return out
}

// str returns the first value of a string tag, "" if absent.
func (h *header) str(tag uint32) string {
	if s := h.strings(tag); len(s) > 0 {
		return s[0]
	}
	return ""
}

// ints returns an integer tag's values, as many as fit in the store.
func (h *header) ints(tag uint32) []int64 {
	t, ok := h.tags[tag]
	if !ok {
		return nil
	}
	var width int
	switch t.typ {
	case typeInt16:
		width = 2
	case typeInt32:
		width = 4
	case typeInt64:
		width = 8
	default:
		return nil
	}
	data := h.store[t.offset:]
	n := min(int(t.count), len(data)/width)
	out := make([]int64, n)
	for i := range out {
		b := data[i*width:]
		switch width {
		case 2:
			out[i] = int64(binary.BigEndian.Uint16(b))
		case 4:
			out[i] = int64(binary.BigEndian.Uint32(b))
		case 8:
			out[i] = int64(binary.BigEndian.Uint64(b))
		}
	}
	return out
}

// offsetOf returns the file offset of a tag's data, -1 if absent.
func (h *header) offsetOf(tag uint32) int64 {
	if t, ok := h.tags[tag]; ok {
		return h.storeAt + int64(t.offset)
	}
	return -1
}
