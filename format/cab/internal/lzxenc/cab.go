package lzxenc

import "encoding/binary"

// File is a cabinet member for Cabinet.
type File struct {
	Name string
	Data []byte
}

// Cabinet returns a cabinet holding files in one LZX folder, with one
// checksummed data block per 32 KiB frame, as Microsoft's tools write it.
func Cabinet(files []File, o Options) []byte {
	var all []byte
	for _, f := range files {
		all = append(all, f.Data...)
	}
	stream, ends := Encode(all, o)
	var names []byte
	for _, f := range files {
		names = append(names, f.Name...)
		names = append(names, 0)
	}
	filesAt := 36 + 8
	dataAt := filesAt + 16*len(files) + len(names)
	le := binary.LittleEndian
	b := make([]byte, dataAt)
	copy(b, "MSCF")
	le.PutUint32(b[16:], uint32(filesAt))
	b[24], b[25] = 3, 1
	le.PutUint16(b[26:], 1)
	le.PutUint16(b[28:], uint16(len(files)))
	le.PutUint32(b[36:], uint32(dataAt))
	le.PutUint16(b[40:], uint16(len(ends)))
	le.PutUint16(b[42:], uint16(3|o.WindowBits<<8))
	p, off := filesAt, 0
	for i, f := range files {
		le.PutUint32(b[p:], uint32(len(f.Data)))
		le.PutUint32(b[p+4:], uint32(off))
		le.PutUint16(b[p+10:], 0x5B21) // 2025-08-01
		le.PutUint16(b[p+14:], 0x20)   // archive attribute
		p += 16
		n := copy(b[p:], files[i].Name)
		p += n + 1
		off += len(f.Data)
	}
	start := 0
	for i, end := range ends {
		blk := stream[start:end]
		size := min(len(all)-i*frameSize, frameSize)
		hdr := make([]byte, 8)
		le.PutUint16(hdr[4:], uint16(len(blk)))
		le.PutUint16(hdr[6:], uint16(size))
		le.PutUint32(hdr, checksum(hdr[4:8], checksum(blk, 0)))
		b = append(b, hdr...)
		b = append(b, blk...)
		start = end
	}
	le.PutUint32(b[8:], uint32(len(b)))
	return b
}

func checksum(data []byte, sum uint32) uint32 {
	n := len(data) &^ 3
	for i := 0; i < n; i += 4 {
		sum ^= binary.LittleEndian.Uint32(data[i:])
	}
	var ul uint32
	for _, c := range data[n:] {
		ul = ul<<8 | uint32(c)
	}
	return sum ^ ul
}
