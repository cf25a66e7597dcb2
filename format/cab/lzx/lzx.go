// Package lzx decompresses LZX, the LZ77 and Huffman method Microsoft uses
// in cabinet files, as described by libmspack's lzxd.c and the MS-PATCH
// "LZX DELTA" specification (of which CAB's LZX is the subset without
// reference data or chunk headers).
//
// The output is made in frames of 32 KiB. Each frame is decoded into the
// sliding window, translated back from the E8 call preprocessing if the
// stream asks for it, and then handed out. The decoder never reads outside
// its window: every offset and length is checked before a byte is copied.
package lzx

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// FrameSize is the size of an LZX output frame; the bit stream realigns to
// 16 bits after every frame.
const FrameSize = 32768

// Block types.
const (
	blockVerbatim     = 1
	blockAligned      = 2
	blockUncompressed = 3
)

const (
	numChars         = 256
	minMatch         = 2
	numPrimaryLens   = 7
	numSecondaryLens = 249
	pretreeSyms      = 20
	alignedSyms      = 8
	lenSafety        = 64 // code length runs may overrun, as in libmspack
)

var (
	errCorrupt = errors.New("lzx: corrupt data")
	// extraBits and positionBase describe the match offset of each
	// position slot.
	extraBits    [290]uint8
	positionBase [290]uint32
)

func init() {
	var base uint32
	for i := range extraBits {
		e := uint8(17)
		if i < 36 {
			e = uint8(max(i/2-1, 0))
		}
		extraBits[i] = e
		positionBase[i] = base
		base += 1 << e
	}
}

// positionSlots is the number of position slots for window sizes 2^15 to
// 2^21.
var positionSlots = [...]int{30, 32, 34, 36, 38, 42, 50}

// Reader decompresses one LZX stream.
type Reader struct {
	br       bitReader
	window   []byte
	size     int64 // total output
	offset   int64 // output made so far
	winPos   int   // next byte of window to write
	frameAt  int   // window position of the current frame
	frame    int   // frames made so far
	out      []byte
	e8       []byte
	err      error
	mainSyms int

	headerRead    bool
	e8Size        int32 // Intel E8 translation file size; 0 means off
	e8Started     bool
	blockType     int
	blockLen      int
	blockLeft     int
	r0, r1, r2    uint32
	pretreeLen    [pretreeSyms + lenSafety]uint8
	mainLen       [numChars + 50*8 + lenSafety]uint8
	lengthLen     [numSecondaryLens + 1 + lenSafety]uint8
	alignedLen    [alignedSyms]uint8
	pretree, main huffman
	length        huffman
	aligned       huffman
}

// NewReader returns a Reader that decompresses size bytes from r, which
// was compressed with a window of 1<<windowBits bytes (15 to 21).
func NewReader(r io.Reader, windowBits int, size int64) (*Reader, error) {
	if windowBits < 15 || windowBits > 21 {
		return nil, fmt.Errorf("lzx: window size 2^%d out of range", windowBits)
	}
	if size < 0 {
		return nil, errors.New("lzx: negative size")
	}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &Reader{
		br:       bitReader{r: br},
		window:   make([]byte, 1<<windowBits),
		size:     size,
		mainSyms: numChars + positionSlots[windowBits-15]*8,
		r0:       1, r1: 1, r2: 1,
	}, nil
}

// Read implements io.Reader.
func (z *Reader) Read(p []byte) (int, error) {
	for len(z.out) == 0 {
		if z.err != nil {
			return 0, z.err
		}
		if z.offset == z.size {
			return 0, io.EOF
		}
		z.err = z.decodeFrame()
		if z.err == nil && z.br.err != nil {
			z.err = z.br.err
		}
		if z.err != nil {
			z.out = nil
			if errors.Is(z.err, errTruncated) {
				z.err = io.ErrUnexpectedEOF
			}
		}
	}
	n := copy(p, z.out)
	z.out = z.out[n:]
	return n, nil
}

// decodeFrame decodes the next frame into the window and sets z.out.
func (z *Reader) decodeFrame() error {
	b := &z.br
	if !z.headerRead {
		if b.bits(1) == 1 {
			hi := b.bits(16)
			lo := b.bits(16)
			z.e8Size = int32(hi<<16 | lo)
		}
		z.headerRead = true
	}
	frameSize := int(min(FrameSize, z.size-z.offset))
	frameStart := z.winPos
	z.frameAt = frameStart
	todo := frameSize
	for todo > 0 {
		if b.err != nil {
			return b.err
		}
		if z.blockLeft == 0 {
			if err := z.readBlockHeader(); err != nil {
				return err
			}
			continue
		}
		run := min(z.blockLeft, todo)
		var done int
		var err error
		if z.blockType == blockUncompressed {
			done, err = z.copyStored(run)
		} else {
			done, err = z.decodeRun(run)
		}
		if err != nil {
			return err
		}
		// A match may overrun the run, but not the block.
		if done > z.blockLeft {
			return fmt.Errorf("%w: match overruns block", errCorrupt)
		}
		z.blockLeft -= done
		todo -= done
	}
	if todo < 0 {
		return fmt.Errorf("%w: match crosses frame boundary", errCorrupt)
	}
	// Realign to 16 bits, as libmspack does.
	if b.n > 0 {
		b.fill(16)
	}
	b.n -= b.n & 15
	if b.err != nil {
		return b.err
	}

	data := z.window[frameStart : frameStart+frameSize]
	if z.e8Started && z.e8Size != 0 && z.frame < 32768 && frameSize > 10 {
		if z.e8 == nil {
			z.e8 = make([]byte, FrameSize)
		}
		data = z.e8[:frameSize]
		copy(data, z.window[frameStart:])
		undoE8(data, int32(z.offset), z.e8Size)
	}
	z.out = data
	z.offset += int64(frameSize)
	z.frame++
	if z.winPos == len(z.window) {
		z.winPos = 0
	}
	return nil
}

// undoE8 reverses the encoder's translation of x86 CALL targets from
// relative to absolute; curpos is the output offset of data[0].
func undoE8(data []byte, curpos, filesize int32) {
	end := len(data) - 10
	for i := 0; i < end; {
		if data[i] != 0xE8 {
			i++
			curpos++
			continue
		}
		d := data[i+1 : i+5]
		abs := int32(uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24)
		if abs >= -curpos && abs < filesize {
			rel := abs + filesize
			if abs >= 0 {
				rel = abs - curpos
			}
			d[0], d[1], d[2], d[3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
		}
		i += 5
		curpos += 5
	}
}

func (z *Reader) readBlockHeader() error {
	b := &z.br
	if z.blockType == blockUncompressed && z.blockLen&1 == 1 {
		var pad [1]byte
		if !b.readBytes(pad[:]) {
			return b.err
		}
	}
	z.blockType = int(b.bits(3))
	hi := b.bits(16)
	lo := b.bits(8)
	z.blockLen = int(hi<<8 | lo)
	z.blockLeft = z.blockLen
	switch z.blockType {
	case blockAligned:
		for i := range z.alignedLen {
			z.alignedLen[i] = uint8(b.bits(3))
		}
		if err := z.aligned.build(z.alignedLen[:], false); err != nil {
			return err
		}
		fallthrough
	case blockVerbatim:
		if err := z.readLengths(z.mainLen[:], 0, numChars); err != nil {
			return err
		}
		if err := z.readLengths(z.mainLen[:], numChars, z.mainSyms); err != nil {
			return err
		}
		if err := z.main.build(z.mainLen[:z.mainSyms], false); err != nil {
			return err
		}
		if z.mainLen[0xE8] != 0 {
			z.e8Started = true
		}
		if err := z.readLengths(z.lengthLen[:], 0, numSecondaryLens); err != nil {
			return err
		}
		return z.length.build(z.lengthLen[:numSecondaryLens+1], true)
	case blockUncompressed:
		z.e8Started = true
		// Skip 1 to 16 bits to reach a 16-bit boundary.
		if b.n == 0 {
			b.fill(16)
		}
		b.n, b.buf = 0, 0
		var r [12]byte
		if !b.readBytes(r[:]) {
			return b.err
		}
		z.r0 = le32(r[0:])
		z.r1 = le32(r[4:])
		z.r2 = le32(r[8:])
		return nil
	}
	return fmt.Errorf("%w: block type %d", errCorrupt, z.blockType)
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// readLengths reads the code lengths of symbols first to last, coded as
// deltas from the previous block's lengths with a pretree.
func (z *Reader) readLengths(lens []uint8, first, last int) error {
	b := &z.br
	for i := 0; i < pretreeSyms; i++ {
		z.pretreeLen[i] = uint8(b.bits(4))
	}
	if err := z.pretree.build(z.pretreeLen[:pretreeSyms], false); err != nil {
		return err
	}
	delta := func(x, code int) uint8 {
		v := int(lens[x]) - code
		if v < 0 {
			v += 17
		}
		return uint8(v)
	}
	for x := first; x < last; {
		if b.err != nil {
			return b.err
		}
		code := b.sym(&z.pretree)
		var run int
		switch code {
		case 17:
			run = 4 + int(b.bits(4))
			for ; run > 0 && x < len(lens); run-- {
				lens[x] = 0
				x++
			}
		case 18:
			run = 20 + int(b.bits(5))
			for ; run > 0 && x < len(lens); run-- {
				lens[x] = 0
				x++
			}
		case 19:
			run = 4 + int(b.bits(1))
			code = b.sym(&z.pretree)
			if code > 16 {
				return fmt.Errorf("%w: bad length code", errCorrupt)
			}
			v := delta(x, code)
			for ; run > 0 && x < len(lens); run-- {
				lens[x] = v
				x++
			}
		default:
			lens[x] = delta(x, code)
			x++
		}
		if run > 0 {
			return fmt.Errorf("%w: code length run overflows table", errCorrupt)
		}
	}
	return b.err
}

// copyStored copies n bytes of an uncompressed block into the window.
func (z *Reader) copyStored(n int) (int, error) {
	if z.winPos+n > len(z.window) {
		return 0, fmt.Errorf("%w: block overruns window", errCorrupt)
	}
	if !z.br.readBytes(z.window[z.winPos : z.winPos+n]) {
		return 0, z.br.err
	}
	z.winPos += n
	return n, nil
}

// decodeRun decodes symbols of a verbatim or aligned block until at least
// n bytes are made, and returns how many were.
func (z *Reader) decodeRun(n int) (int, error) {
	b := &z.br
	win := z.window
	pos := z.winPos
	start := pos
	// made is the number of bytes the stream has produced before pos,
	// which bounds how far back a match may reach.
	made := z.offset + int64(pos-z.frameAt)
	for pos-start < n {
		if b.err != nil {
			return 0, b.err
		}
		sym := b.sym(&z.main)
		if sym < numChars {
			win[pos] = byte(sym)
			pos++
			made++
			continue
		}
		sym -= numChars
		length := sym & numPrimaryLens
		if length == numPrimaryLens {
			if z.length.empty {
				return 0, fmt.Errorf("%w: length symbol with empty length tree", errCorrupt)
			}
			length += b.sym(&z.length)
		}
		length += minMatch
		var off uint32
		switch slot := sym >> 3; slot {
		case 0:
			off = z.r0
		case 1:
			off = z.r1
			z.r1, z.r0 = z.r0, off
		case 2:
			off = z.r2
			z.r2, z.r0 = z.r0, off
		default:
			extra := uint(extraBits[slot])
			off = positionBase[slot] - 2
			if extra >= 3 && z.blockType == blockAligned {
				if extra > 3 {
					off += b.bits(extra-3) << 3
				}
				off += uint32(b.sym(&z.aligned))
			} else if extra > 0 {
				off += b.bits(extra)
			}
			z.r2, z.r1, z.r0 = z.r1, z.r0, off
		}
		if pos+length > len(win) {
			return 0, fmt.Errorf("%w: match runs over window end", errCorrupt)
		}
		if off == 0 || int64(off) > made || int(off) > len(win) {
			return 0, fmt.Errorf("%w: match offset %d beyond data", errCorrupt, off)
		}
		src := pos - int(off)
		if src < 0 {
			src += len(win)
		}
		if src+length <= len(win) && int(off) >= length {
			copy(win[pos:pos+length], win[src:])
			pos += length
		} else {
			// Overlapping or wrapping: byte by byte, as LZ77 means it.
			for i := 0; i < length; i++ {
				win[pos] = win[src]
				pos++
				src++
				if src == len(win) {
					src = 0
				}
			}
		}
		made += int64(length)
	}
	z.winPos = pos
	return pos - start, nil
}
