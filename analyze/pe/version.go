package pe

import (
	"encoding/binary"
	"unicode/utf16"
)

// Resource type of the version resource (RT_VERSION).
const rtVersion = 16

// versionKeys are the StringFileInfo values recorded as facts: the ones
// that say which product and build a binary claims to be.
var versionKeys = []string{"CompanyName", "FileDescription", "FileVersion", "OriginalFilename", "ProductName", "ProductVersion"}

// version returns the StringFileInfo strings of the first version
// resource, or nil. Only versionKeys are kept.
func (img *image) version() map[string]string {
	d := img.dir(dirResource)
	if d.Size == 0 {
		return nil
	}
	// The resource tree is type / name / language; take the first entry
	// below RT_VERSION at each level.
	entry, ok := img.resEntry(d.VirtualAddress, 0, rtVersion)
	for level := 0; ok && level < 2; level++ {
		if entry&0x80000000 == 0 {
			return nil
		}
		entry, ok = img.resEntry(d.VirtualAddress, entry&0x7fffffff, -1)
	}
	if !ok || entry&0x80000000 != 0 {
		return nil
	}
	leaf := img.at(d.VirtualAddress+entry, 16)
	if leaf == nil {
		return nil
	}
	rva, size := binary.LittleEndian.Uint32(leaf), binary.LittleEndian.Uint32(leaf[4:])
	buf := img.at(rva, int(min(size, 64<<10)))
	if buf == nil {
		return nil
	}
	out := map[string]string{}
	walkVersion(buf, 0, out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// resEntry returns the offset word of the entry with the given integer ID
// (any entry when id < 0) in the resource directory at base+dirOff.
func (img *image) resEntry(base, dirOff uint32, id int) (uint32, bool) {
	hdr := img.at(base+dirOff, 16)
	if hdr == nil {
		return 0, false
	}
	n := int(binary.LittleEndian.Uint16(hdr[12:])) + int(binary.LittleEndian.Uint16(hdr[14:]))
	ents := img.at(base+dirOff+16, 8*min(n, 4096))
	for i := 0; i+8 <= len(ents); i += 8 {
		name, off := binary.LittleEndian.Uint32(ents[i:]), binary.LittleEndian.Uint32(ents[i+4:])
		if id < 0 || name == uint32(id) {
			return off, true
		}
	}
	return 0, false
}

// walkVersion reads the VS_VERSIONINFO block tree in b: each block is
// wLength, wValueLength, wType, a UTF-16 key, then its value and child
// blocks, each part aligned to 4 bytes. String values are collected.
func walkVersion(b []byte, depth int, out map[string]string) {
	for len(b) >= 6 && depth < 4 {
		n := int(binary.LittleEndian.Uint16(b))
		if n < 6 || n > len(b) {
			return
		}
		block := b[:n]
		valueLen := int(binary.LittleEndian.Uint16(block[2:]))
		isText := binary.LittleEndian.Uint16(block[4:]) == 1
		key, pos := utf16z(block, 6)
		pos = align4(pos)
		switch {
		case depth == 3 && isText:
			val, _ := utf16z(block[:min(pos+2*valueLen, len(block))], pos)
			for _, k := range versionKeys {
				if k == key {
					out[key] = val
				}
			}
		default:
			if depth == 0 {
				pos = align4(pos + valueLen) // VS_FIXEDFILEINFO
			}
			if pos < len(block) && (depth != 0 || key == "VS_VERSION_INFO") && (depth != 1 || key == "StringFileInfo") {
				walkVersion(block[pos:], depth+1, out)
			}
		}
		b = b[min(align4(n), len(b)):]
		if depth == 0 {
			return
		}
	}
}

// utf16z decodes a NUL-terminated UTF-16LE string at b[pos:] and returns
// it with the position after the terminator.
func utf16z(b []byte, pos int) (string, int) {
	var u []uint16
	for pos+1 < len(b) {
		c := binary.LittleEndian.Uint16(b[pos:])
		pos += 2
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), pos
}

func align4(n int) int { return (n + 3) &^ 3 }
