package lzx

import "errors"

// maxCodeLen is the longest Huffman code LZX allows.
const maxCodeLen = 16

var errBadTree = errors.New("lzx: invalid Huffman code lengths")

// A huffman decodes one canonical Huffman code. The code is read most
// significant bit first, so one lookup of the next maxLen bits finds the
// symbol: entry = symbol<<5 | code length.
type huffman struct {
	table  []uint16
	maxLen uint
	empty  bool
}

// build makes the decoding table for lens. A code must be complete (as
// libmspack requires); an all-zero one is allowed only when allowEmpty,
// and then no symbol may be decoded with it.
func (h *huffman) build(lens []uint8, allowEmpty bool) error {
	var count [maxCodeLen + 1]int
	h.maxLen = 0
	for _, l := range lens {
		if l > maxCodeLen {
			return errBadTree
		}
		count[l]++
		if uint(l) > h.maxLen {
			h.maxLen = uint(l)
		}
	}
	if h.maxLen == 0 {
		h.empty = true
		if allowEmpty {
			return nil
		}
		return errBadTree
	}
	h.empty = false
	// Kraft sum, in units of 2^-maxLen: must fill the table exactly.
	var next [maxCodeLen + 1]int
	code := 0
	for l := uint(1); l <= h.maxLen; l++ {
		code <<= 1
		next[l] = code
		code += count[l]
	}
	if code != 1<<h.maxLen {
		return errBadTree
	}
	size := 1 << h.maxLen
	if cap(h.table) < size {
		h.table = make([]uint16, size)
	}
	h.table = h.table[:size]
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		shift := h.maxLen - uint(l)
		start := next[l] << shift
		next[l]++
		e := uint16(sym)<<5 | uint16(l)
		fill := h.table[start : start+1<<shift]
		for i := range fill {
			fill[i] = e
		}
	}
	return nil
}
