package lzx

import (
	"bufio"
	"errors"
	"io"
)

var errTruncated = errors.New("lzx: compressed data truncated")

// bitReader reads LZX's bit stream: 16-bit little-endian words, each read
// from its most significant bit. It refills one word at a time, only when
// asked for more bits than it holds, exactly as libmspack does, because the
// alignment rules of uncompressed blocks and frame ends depend on how many
// bits are buffered.
type bitReader struct {
	r    *bufio.Reader
	buf  uint64 // the low n bits are unread
	n    uint
	fake int // zero bytes supplied past the end of input
	err  error
}

// fill makes at least k (at most 32) bits available. Past the end of input
// it supplies one zero word, since encoders may stop mid-word, then fails.
func (b *bitReader) fill(k uint) bool {
	for b.n < k {
		lo, err1 := b.r.ReadByte()
		hi, err2 := b.r.ReadByte()
		if err1 != nil || err2 != nil {
			if b.fake > 0 {
				if b.err == nil {
					b.err = errTruncated
				}
				return false
			}
			b.fake++
			lo, hi = 0, 0
		}
		b.buf = b.buf<<16 | uint64(hi)<<8 | uint64(lo)
		b.n += 16
	}
	return true
}

// bits reads k bits, 0 <= k <= 17.
func (b *bitReader) bits(k uint) uint32 {
	if k == 0 || !b.fill(k) {
		return 0
	}
	b.n -= k
	return uint32(b.buf>>b.n) & (1<<k - 1)
}

// sym decodes one symbol of h.
func (b *bitReader) sym(h *huffman) int {
	if !b.fill(h.maxLen) {
		return 0
	}
	e := h.table[uint32(b.buf>>(b.n-h.maxLen))&(1<<h.maxLen-1)]
	b.n -= uint(e & 31)
	return int(e >> 5)
}

// readBytes reads raw bytes, for uncompressed blocks; the bit buffer must
// be empty.
func (b *bitReader) readBytes(p []byte) bool {
	if _, err := io.ReadFull(b.r, p); err != nil {
		if b.err == nil {
			b.err = errTruncated
		}
		return false
	}
	return true
}
