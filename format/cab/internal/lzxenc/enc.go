// Package lzxenc is a small LZX compressor for testing package lzx and
// package cab: Linux has no tool that writes LZX cabinets, so the tests
// make their own and check them against cabextract, which decodes with
// libmspack. It writes all three block types, repeated-offset matches,
// blocks that end inside frames and E8 call translation. It is not used
// by vigil itself.
package lzxenc

import (
	"encoding/binary"
	"sort"
)

// Block types.
const (
	Verbatim     = 1
	Aligned      = 2
	Uncompressed = 3
)

const frameSize = 32768

// Options choose how Encode writes its stream.
type Options struct {
	WindowBits int   // 15 to 21
	E8         bool  // translate x86 CALL targets, as for executables
	BlockSize  int   // bytes of output per block; need not fit frames
	Types      []int // block types to cycle through; default Verbatim
}

var (
	extraBits    [290]uint
	positionBase [291]int
	slotsFor     = [...]int{30, 32, 34, 36, 38, 42, 50}
)

func init() {
	for i := range extraBits {
		e := uint(17)
		if i < 36 {
			e = uint(max(i/2-1, 0))
		}
		extraBits[i] = e
		positionBase[i+1] = positionBase[i] + 1<<e
	}
}

type bitWriter struct {
	out []byte
	acc uint32
	n   uint
}

func (w *bitWriter) bits(v uint32, k uint) {
	for k > 0 {
		take := min(k, 16-w.n)
		k -= take
		w.acc = w.acc<<take | (v>>k)&(1<<take-1)
		w.n += take
		if w.n == 16 {
			w.out = binary.LittleEndian.AppendUint16(w.out, uint16(w.acc))
			w.acc, w.n = 0, 0
		}
	}
}

// align pads to a 16-bit boundary.
func (w *bitWriter) align() {
	if w.n > 0 {
		w.bits(0, 16-w.n)
	}
}

type token struct {
	lit       byte
	length    int // 0 for a literal
	slot      int
	extra     uint32
	extraBits uint
}

type encoder struct {
	o       Options
	data    []byte
	w       bitWriter
	slots   int
	r       [3]int
	mainLen []uint8 // previous block's lengths, the base of the deltas
	lenLen  []uint8
	head    []int // most recent position of each hash, -1 for none
	prev    []int
}

// Encode compresses data. It returns the stream and, for each frame, the
// offset in the stream where the frame's bytes end, which is where a
// cabinet may end a data block.
func Encode(data []byte, o Options) ([]byte, []int) {
	if len(o.Types) == 0 {
		o.Types = []int{Verbatim}
	}
	if o.BlockSize == 0 {
		o.BlockSize = frameSize
	}
	e := &encoder{
		o: o, data: append([]byte(nil), data...), slots: slotsFor[o.WindowBits-15],
		r: [3]int{1, 1, 1}, head: make([]int, 1<<16), prev: make([]int, len(data)),
	}
	for i := range e.head {
		e.head[i] = -1
	}
	e.mainLen = make([]uint8, 256+e.slots*8)
	e.lenLen = make([]uint8, 250)
	if o.E8 {
		e.w.bits(1, 1)
		e.w.bits(uint32(len(data))>>16, 16)
		e.w.bits(uint32(len(data))&0xFFFF, 16)
		for f := 0; f*frameSize < len(data); f++ {
			end := min((f+1)*frameSize, len(data))
			translate(e.data[f*frameSize:end], int32(f*frameSize), int32(len(data)))
		}
	} else {
		e.w.bits(0, 1)
	}
	var frameEnds []int
	pos := 0
	for b := 0; pos < len(data); b++ {
		end := min(pos+o.BlockSize, len(data))
		typ := o.Types[b%len(o.Types)]
		e.block(typ, pos, end, &frameEnds)
		pos = end
	}
	e.w.align()
	if len(frameEnds) == 0 || frameEnds[len(frameEnds)-1] != len(e.w.out) {
		frameEnds = append(frameEnds, len(e.w.out))
	}
	return e.w.out, frameEnds
}

// translate is the encoder's E8 step, the inverse of the decoder's.
func translate(d []byte, curpos, size int32) {
	for i := 0; i < len(d)-10; {
		if d[i] != 0xE8 {
			i++
			curpos++
			continue
		}
		rel := int32(binary.LittleEndian.Uint32(d[i+1:]))
		switch {
		case rel >= -curpos && rel < size-curpos:
			binary.LittleEndian.PutUint32(d[i+1:], uint32(rel+curpos))
		case rel >= size-curpos && rel < size:
			binary.LittleEndian.PutUint32(d[i+1:], uint32(rel-size))
		}
		i += 5
		curpos += 5
	}
}

// frameEnd records the end of a frame at output position pos, aligning
// the bit stream as the decoder does.
func (e *encoder) frameEnd(pos int, ends *[]int) {
	if pos%frameSize == 0 || pos == len(e.data) {
		e.w.align()
		*ends = append(*ends, len(e.w.out))
	}
}

func (e *encoder) block(typ, start, end int, ends *[]int) {
	e.w.bits(uint32(typ), 3)
	n := end - start
	e.w.bits(uint32(n>>8), 16)
	e.w.bits(uint32(n&0xFF), 8)
	if typ == Uncompressed {
		if e.w.n == 0 {
			e.w.bits(0, 16)
		} else {
			e.w.align()
		}
		for _, r := range e.r {
			e.w.out = binary.LittleEndian.AppendUint32(e.w.out, uint32(r))
		}
		for p := start; p < end; p++ {
			e.w.out = append(e.w.out, e.data[p])
			e.insert(p)
			e.frameEnd(p+1, ends)
		}
		if n&1 == 1 {
			e.w.out = append(e.w.out, 0)
		}
		return
	}
	toks := e.tokenize(start, end)
	mainFreq := make([]int, len(e.mainLen))
	lenFreq := make([]int, 250)
	alFreq := make([]int, 8)
	for _, t := range toks {
		if t.length == 0 {
			mainFreq[t.lit]++
			continue
		}
		h := min(t.length-2, 7)
		mainFreq[256+t.slot<<3|h]++
		if h == 7 {
			lenFreq[t.length-9]++
		}
		if typ == Aligned && t.extraBits >= 3 {
			alFreq[t.extra&7]++
		}
	}
	var alLen []uint8
	if typ == Aligned {
		alLen = lengths(alFreq, 7, false)
		for _, l := range alLen {
			e.w.bits(uint32(l), 3)
		}
	}
	mainLen := lengths(mainFreq, 16, false)
	lenLen := lengths(lenFreq, 16, true)
	e.writeLengths(e.mainLen[:256], mainLen[:256])
	e.writeLengths(e.mainLen[256:], mainLen[256:])
	e.writeLengths(e.lenLen[:249], lenLen[:249])
	copy(e.mainLen, mainLen)
	copy(e.lenLen, lenLen)
	mainCode, lenCode, alCode := codes(mainLen), codes(lenLen), codes(alLen)
	pos := start
	for _, t := range toks {
		if t.length == 0 {
			e.w.bits(mainCode[t.lit], uint(mainLen[t.lit]))
			pos++
			e.frameEnd(pos, ends)
			continue
		}
		h := min(t.length-2, 7)
		s := 256 + t.slot<<3 | h
		e.w.bits(mainCode[s], uint(mainLen[s]))
		if h == 7 {
			e.w.bits(lenCode[t.length-9], uint(lenLen[t.length-9]))
		}
		if typ == Aligned && t.extraBits >= 3 {
			e.w.bits(t.extra>>3, t.extraBits-3)
			e.w.bits(alCode[t.extra&7], uint(alLen[t.extra&7]))
		} else {
			e.w.bits(t.extra, t.extraBits)
		}
		pos += t.length
		e.frameEnd(pos, ends)
	}
}

// writeLengths writes lens as deltas from prev with a pretree, using the
// zero-run and same-value-run codes where they fit.
func (e *encoder) writeLengths(prev, lens []uint8) {
	type code struct{ sym, extra, extraBits, sym2 int }
	var cs []code
	delta := func(i int, v uint8) int { return (int(prev[i]) - int(v) + 17) % 17 }
	for i := 0; i < len(lens); {
		run := 1
		for i+run < len(lens) && lens[i+run] == lens[i] {
			run++
		}
		switch {
		case lens[i] == 0 && run >= 20:
			run = min(run, 51)
			cs = append(cs, code{18, run - 20, 5, -1})
		case lens[i] == 0 && run >= 4:
			run = min(run, 19)
			cs = append(cs, code{17, run - 4, 4, -1})
		case run >= 4:
			run = min(run, 5)
			cs = append(cs, code{19, run - 4, 1, delta(i, lens[i])})
		default:
			run = 1
			cs = append(cs, code{delta(i, lens[i]), 0, 0, -1})
		}
		i += run
	}
	freq := make([]int, 20)
	for _, c := range cs {
		freq[c.sym]++
		if c.sym2 >= 0 {
			freq[c.sym2]++
		}
	}
	pl := lengths(freq, 15, false)
	for _, l := range pl {
		e.w.bits(uint32(l), 4)
	}
	pc := codes(pl)
	for _, c := range cs {
		e.w.bits(pc[c.sym], uint(pl[c.sym]))
		e.w.bits(uint32(c.extra), uint(c.extraBits))
		if c.sym2 >= 0 {
			e.w.bits(pc[c.sym2], uint(pl[c.sym2]))
		}
	}
}

func hash3(b []byte) uint32 {
	return (uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16) * 2654435761 >> 16
}

func (e *encoder) insert(p int) {
	if p+3 > len(e.data) {
		return
	}
	h := hash3(e.data[p:])
	e.prev[p] = e.head[h]
	e.head[h] = p
}

// tokenize finds greedy matches in data[start:end], never crossing a
// frame boundary, preferring repeated offsets.
func (e *encoder) tokenize(start, end int) []token {
	var toks []token
	maxOff := 1<<e.o.WindowBits - 3
	for p := start; p < end; {
		limit := min(end, (p/frameSize+1)*frameSize, p+257) - p
		bestLen, bestOff := 0, 0
		for _, r := range e.r {
			if r <= p {
				if l := e.matchLen(p, p-r, limit); l > bestLen {
					bestLen, bestOff = l, r
				}
			}
		}
		if bestLen < 3 && p+3 <= len(e.data) {
			q := e.head[hash3(e.data[p:])]
			for tries := 0; q >= 0 && tries < 16; tries++ {
				if p-q > maxOff {
					break
				}
				if l := e.matchLen(p, q, limit); l > bestLen {
					bestLen, bestOff = l, p-q
				}
				q = e.prev[q]
			}
		}
		if bestLen < 3 {
			toks = append(toks, token{lit: e.data[p]})
			e.insert(p)
			p++
			continue
		}
		toks = append(toks, e.matchToken(bestLen, bestOff))
		for i := 0; i < bestLen; i++ {
			e.insert(p + i)
		}
		p += bestLen
	}
	return toks
}

func (e *encoder) matchLen(p, q, limit int) int {
	n := 0
	for n < limit && e.data[p+n] == e.data[q+n] {
		n++
	}
	return n
}

func (e *encoder) matchToken(length, off int) token {
	t := token{length: length}
	switch off {
	case e.r[0]:
		t.slot = 0
	case e.r[1]:
		t.slot = 1
		e.r[0], e.r[1] = e.r[1], e.r[0]
	case e.r[2]:
		t.slot = 2
		e.r[0], e.r[2] = e.r[2], e.r[0]
	default:
		f := off + 2
		t.slot = sort.Search(len(extraBits), func(i int) bool { return positionBase[i+1] > f })
		t.extra = uint32(f - positionBase[t.slot])
		t.extraBits = extraBits[t.slot]
		e.r[2], e.r[1], e.r[0] = e.r[1], e.r[0], off
	}
	return t
}

// lengths returns Huffman code lengths of at most limit bits for freq.
// A code must be complete, so at least two symbols get a length; an
// unused tree is all zeros only if allowEmpty.
func lengths(freq []int, limit int, allowEmpty bool) []uint8 {
	f := append([]int(nil), freq...)
	used := 0
	for _, x := range f {
		if x > 0 {
			used++
		}
	}
	if used == 0 && allowEmpty {
		return make([]uint8, len(f))
	}
	for i := 0; used < 2; i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	for {
		l := huffman(f)
		ok := true
		for _, x := range l {
			if int(x) > limit {
				ok = false
			}
		}
		if ok {
			return l
		}
		for i := range f {
			if f[i] > 0 {
				f[i] = (f[i] + 1) / 2
			}
		}
	}
}

// huffman returns unlimited Huffman code lengths for the used symbols.
func huffman(freq []int) []uint8 {
	type node struct{ w, sym, l, r int }
	var nodes []node
	var live []int
	for s, x := range freq {
		if x > 0 {
			nodes = append(nodes, node{x, s, -1, -1})
			live = append(live, len(nodes)-1)
		}
	}
	for len(live) > 1 {
		sort.SliceStable(live, func(i, j int) bool { return nodes[live[i]].w < nodes[live[j]].w })
		a, b := live[0], live[1]
		nodes = append(nodes, node{nodes[a].w + nodes[b].w, -1, a, b})
		live = append(live[2:], len(nodes)-1)
	}
	out := make([]uint8, len(freq))
	var walk func(n, d int)
	walk = func(n, d int) {
		if nodes[n].sym >= 0 {
			out[nodes[n].sym] = uint8(d)
			return
		}
		walk(nodes[n].l, d+1)
		walk(nodes[n].r, d+1)
	}
	walk(live[0], 0)
	return out
}

// codes assigns canonical codes to lens.
func codes(lens []uint8) []uint32 {
	var count [17]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [17]uint32
	c := uint32(0)
	for l := 1; l <= 16; l++ {
		c = (c + count[l-1]) << 1
		next[l] = c
	}
	out := make([]uint32, len(lens))
	for s, l := range lens {
		if l > 0 {
			out[s] = next[l]
			next[l]++
		}
	}
	return out
}
