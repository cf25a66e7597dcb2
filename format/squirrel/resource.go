package squirrel

import (
	"debug/pe"
	"encoding/binary"
	"unicode/utf16"

	"github.com/vigilsec/vigil/format"
)

// maxDirEntries bounds the entries read from one resource directory; the
// count fields allow 131070.
const maxDirEntries = 4096

// resources reads the resource tree of a PE file: root (types), names,
// languages. The depth is fixed, so a directory that points back at
// itself cannot loop.
type resources struct {
	src  format.Source
	sec  *pe.Section // holding the resource directory
	base uint32      // RVA of the resource directory
}

type dirEntry struct {
	id     uint32
	name   string // set for a named entry
	offset uint32 // from the directory's base; subdir has the high bit
}

// findResource returns the file offset and size of resource DATA/131 (any
// language) if it holds a zip.
func findResource(f *pe.File, src format.Source) (int64, int64, bool) {
	var dd pe.DataDirectory
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		if len(h.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dd = h.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	case *pe.OptionalHeader64:
		if len(h.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dd = h.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	}
	if dd.VirtualAddress == 0 {
		return 0, 0, false
	}
	r := resources{src: src, base: dd.VirtualAddress, sec: sectionOf(f, dd.VirtualAddress)}
	if r.sec == nil {
		return 0, 0, false
	}
	for _, t := range r.dir(0) {
		if t.name != resourceType || t.offset&(1<<31) == 0 {
			continue
		}
		for _, n := range r.dir(t.offset &^ (1 << 31)) {
			if n.name != "" || n.id != resourceID || n.offset&(1<<31) == 0 {
				continue
			}
			for _, l := range r.dir(n.offset &^ (1 << 31)) {
				if l.offset&(1<<31) != 0 {
					continue
				}
				var data [8]byte
				if !r.read(data[:], l.offset) {
					continue
				}
				rva := binary.LittleEndian.Uint32(data[:])
				size := int64(binary.LittleEndian.Uint32(data[4:]))
				s := sectionOf(f, rva)
				if s == nil {
					continue
				}
				off := int64(s.Offset) + int64(rva-s.VirtualAddress)
				if isZip(src, off, size) {
					return off, size, true
				}
			}
		}
	}
	return 0, 0, false
}

// sectionOf returns the section whose raw data holds rva.
func sectionOf(f *pe.File, rva uint32) *pe.Section {
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && uint64(rva) < uint64(s.VirtualAddress)+uint64(s.Size) {
			return s
		}
	}
	return nil
}

// read reads len(b) bytes at off from the start of the resource directory.
func (r *resources) read(b []byte, off uint32) bool {
	start := uint64(r.base-r.sec.VirtualAddress) + uint64(off)
	if start+uint64(len(b)) > uint64(r.sec.Size) {
		return false
	}
	_, err := r.src.ReadAt(b, int64(r.sec.Offset)+int64(start))
	return err == nil
}

// dir lists the directory at off.
func (r *resources) dir(off uint32) []dirEntry {
	var h [16]byte
	if !r.read(h[:], off) {
		return nil
	}
	n := int(binary.LittleEndian.Uint16(h[12:])) + int(binary.LittleEndian.Uint16(h[14:]))
	n = min(n, maxDirEntries)
	raw := make([]byte, 8*n)
	if !r.read(raw, off+16) {
		return nil
	}
	list := make([]dirEntry, n)
	for i := range list {
		name := binary.LittleEndian.Uint32(raw[8*i:])
		list[i].offset = binary.LittleEndian.Uint32(raw[8*i+4:])
		if name&(1<<31) != 0 {
			list[i].name = r.name(name &^ (1 << 31))
		} else {
			list[i].id = name
		}
	}
	return list
}

// name reads a length-prefixed UTF-16 resource name.
func (r *resources) name(off uint32) string {
	var l [2]byte
	if !r.read(l[:], off) {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(l[:]))
	b := make([]byte, 2*n)
	if !r.read(b, off+2) {
		return ""
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
