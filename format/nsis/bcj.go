package nsis

import (
	"bytes"
	"io"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// bcjReader undoes the x86 branch converter (BCJ) that NSIS can apply
// before LZMA: relative CALL/JMP targets were made absolute to compress
// better. This is the decoder from LZMA SDK's Bra86.c, applied to a stream.
type bcjReader struct {
	r     io.Reader
	buf   []byte // buf[:done] is decoded, buf[done:] waits for more input
	done  int
	pos   uint32 // stream offset of buf[0]
	state uint32 // the SDK's prevMask
	eof   bool
}

func newBCJ(r io.Reader) io.Reader { return &bcjReader{r: r, buf: make([]byte, 0, 64<<10)} }

func (b *bcjReader) Read(p []byte) (int, error) {
	for b.done == 0 {
		if b.eof {
			if len(b.buf) == 0 {
				return 0, io.EOF
			}
			b.done = len(b.buf) // the last 4 bytes are never converted
			break
		}
		n, err := b.r.Read(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		if err == io.EOF {
			b.eof = true
		} else if err != nil {
			return 0, err
		}
		b.done = x86Convert(b.buf, b.pos, &b.state)
	}
	n := copy(p, b.buf[:b.done])
	b.done -= n
	rest := copy(b.buf, b.buf[n:])
	b.buf = b.buf[:rest]
	b.pos += uint32(n)
	return n, nil
}

// x86Convert decodes data in place, which starts at stream offset ip, and
// returns how many leading bytes are final. It is LZMA SDK 9.20's
// x86_Convert with encoding = 0.
func x86Convert(data []byte, ip uint32, state *uint32) int {
	maskToAllowed := [8]bool{true, true, true, false, true, false, false, false}
	maskToBitNumber := [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
	test := func(b byte) bool { return b == 0 || b == 0xFF }
	if len(data) < 5 {
		return 0
	}
	ip += 5
	prevMask := *state & 7
	bufferPos, prevPosT := 0, -1
	limit := len(data) - 4
	for {
		for bufferPos < limit && data[bufferPos]&0xFE != 0xE8 {
			bufferPos++
		}
		if bufferPos >= limit {
			break
		}
		p := data[bufferPos : bufferPos+5]
		d := bufferPos - prevPosT
		if d > 3 {
			prevMask = 0
		} else {
			prevMask = (prevMask << (d - 1)) & 7
			if prevMask != 0 {
				b := p[4-maskToBitNumber[prevMask]]
				if !maskToAllowed[prevMask] || test(b) {
					prevPosT = bufferPos
					prevMask = ((prevMask << 1) & 7) | 1
					bufferPos++
					continue
				}
			}
		}
		prevPosT = bufferPos
		if !test(p[4]) {
			prevMask = ((prevMask << 1) & 7) | 1
			bufferPos++
			continue
		}
		src := uint32(p[4])<<24 | uint32(p[3])<<16 | uint32(p[2])<<8 | uint32(p[1])
		var dest uint32
		for {
			dest = src - (ip + uint32(bufferPos))
			if prevMask == 0 {
				break
			}
			index := maskToBitNumber[prevMask] * 8
			if !test(byte(dest >> (24 - index))) {
				break
			}
			src = dest ^ (1<<(32-index) - 1)
		}
		p[4] = ^byte((dest>>24)&1 - 1)
		p[3] = byte(dest >> 16)
		p[2] = byte(dest >> 8)
		p[1] = byte(dest)
		bufferPos += 5
	}
	d := bufferPos - prevPosT
	if d > 3 {
		*state = 0
	} else {
		*state = (prevMask << (d - 1)) & 7
	}
	return bufferPos
}
