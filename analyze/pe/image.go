package pe

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Data directory indexes used here (PE/COFF specification, "Optional
// Header Data Directories").
const (
	dirExport   = 0
	dirImport   = 1
	dirResource = 2
	dirSecurity = 4
	dirCLR      = 14
)

// Bounds on what one image may make us read.
const (
	maxImports  = 20_000
	maxExports  = 65_536
	maxSections = 96 // the loader's own limit
)

// image is what vigil reads of one PE file. Every offset is a file offset.
type image struct {
	data     []byte
	file     *pe.File
	is64     bool
	optOff   int64 // offset of the optional header
	dirs     []pe.DataDirectory
	sections []*pe.Section
	imports  []string // "dll!Function", dll lower-cased, sorted
	exports  []string // exported names, sorted
	rawEnd   int64    // end of the last section's raw data
}

// parse reads data as a PE image. It never panics: debug/pe can, on
// hostile headers, so the panic is turned into an error here.
func parse(data []byte) (img *image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("malformed PE: %v", r)
		}
	}()
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if len(f.Sections) > maxSections {
		return nil, fmt.Errorf("malformed PE: %d sections", len(f.Sections))
	}
	img = &image{data: data, file: f, sections: f.Sections}
	img.optOff = int64(binary.LittleEndian.Uint32(data[0x3c:])) + 4 + 20
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		img.dirs = oh.DataDirectory[:min(int(oh.NumberOfRvaAndSizes), 16)]
	case *pe.OptionalHeader64:
		img.is64 = true
		img.dirs = oh.DataDirectory[:min(int(oh.NumberOfRvaAndSizes), 16)]
	default:
		return nil, errors.New("malformed PE: no optional header")
	}
	for _, s := range f.Sections {
		if end := int64(s.Offset) + int64(s.Size); s.Size > 0 && end > img.rawEnd {
			img.rawEnd = min(end, int64(len(data)))
		}
	}
	img.imports = img.readImports()
	img.exports = img.readExports()
	return img, nil
}

// readImports lists the imported functions as "dll!Function" with the
// DLL lower-cased, the form analysts search for; imports by ordinal are
// "dll!#123". debug/pe has ImportedSymbols, but it re-reads the section
// for every descriptor and follows every thunk, so a hostile table costs
// quadratic time; this walk is bounded by maxImports.
func (img *image) readImports() []string {
	d := img.dir(dirImport)
	if d.Size == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	thunk := uint32(4)
	if img.is64 {
		thunk = 8
	}
	steps := 0
	for i := uint32(0); steps < maxImports; i++ {
		desc := img.at(d.VirtualAddress+20*i, 20)
		if desc == nil || allZero(desc) {
			break
		}
		steps++
		names := binary.LittleEndian.Uint32(desc)
		if names == 0 {
			names = binary.LittleEndian.Uint32(desc[16:]) // no lookup table: use the IAT
		}
		dll := strings.ToLower(img.cstring(binary.LittleEndian.Uint32(desc[12:])))
		for j := uint32(0); steps < maxImports; j++ {
			steps++
			t := img.at(names+thunk*j, int(thunk))
			if t == nil {
				break
			}
			var v uint64
			var ordinal bool
			if img.is64 {
				v = binary.LittleEndian.Uint64(t)
				ordinal = v&(1<<63) != 0
			} else {
				v = uint64(binary.LittleEndian.Uint32(t))
				ordinal = v&(1<<31) != 0
			}
			if v == 0 {
				break
			}
			var name string
			if ordinal {
				name = fmt.Sprintf("%s!#%d", dll, v&0xffff)
			} else {
				name = dll + "!" + img.cstring(uint32(v)+2)
			}
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// dir returns data directory i, or a zero entry when the image has fewer.
func (img *image) dir(i int) pe.DataDirectory {
	if i < len(img.dirs) {
		return img.dirs[i]
	}
	return pe.DataDirectory{}
}

// offset maps a relative virtual address to a file offset, or -1 when no
// section holds it.
func (img *image) offset(rva uint32) int64 {
	for _, s := range img.sections {
		size := max(s.VirtualSize, s.Size)
		if rva >= s.VirtualAddress && rva-s.VirtualAddress < size {
			off := int64(rva-s.VirtualAddress) + int64(s.Offset)
			if rva-s.VirtualAddress >= s.Size || off >= int64(len(img.data)) {
				return -1
			}
			return off
		}
	}
	return -1
}

// at returns n bytes at rva, or nil when they are not all in the file.
func (img *image) at(rva uint32, n int) []byte {
	off := img.offset(rva)
	if off < 0 || n < 0 || off+int64(n) > int64(len(img.data)) {
		return nil
	}
	return img.data[off : off+int64(n)]
}

// cstring reads a NUL-terminated string of at most 256 bytes at rva.
func (img *image) cstring(rva uint32) string {
	off := img.offset(rva)
	if off < 0 {
		return ""
	}
	b := img.data[off:min(off+256, int64(len(img.data)))]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// readExports lists the names in the export directory.
func (img *image) readExports() []string {
	d := img.dir(dirExport)
	hdr := img.at(d.VirtualAddress, 40)
	if d.Size == 0 || hdr == nil {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(hdr[24:]))
	names := binary.LittleEndian.Uint32(hdr[32:])
	if n > maxExports {
		n = maxExports
	}
	tab := img.at(names, 4*n)
	if tab == nil {
		return nil
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if s := img.cstring(binary.LittleEndian.Uint32(tab[4*i:])); s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// certTable returns the file offset and size of the certificate table
// (its data directory entry holds a file offset, not an RVA), or 0, 0.
func (img *image) certTable() (off, size int64) {
	d := img.dir(dirSecurity)
	off, size = int64(d.VirtualAddress), int64(d.Size)
	if off <= 0 || size <= 0 || off > int64(len(img.data)) {
		return 0, 0
	}
	return off, min(size, int64(len(img.data))-off)
}

// checksumOff and certDirOff locate the two header fields the
// Authenticode digest leaves out.
func (img *image) checksumOff() int64 { return img.optOff + 64 }

func (img *image) certDirOff() int64 {
	if img.is64 {
		return img.optOff + 112 + 8*dirSecurity
	}
	return img.optOff + 96 + 8*dirSecurity
}

// executable reports whether section s holds code.
func executable(s *pe.Section) bool {
	return s.Characteristics&(pe.IMAGE_SCN_MEM_EXECUTE|pe.IMAGE_SCN_CNT_CODE) != 0
}

// raw returns the bytes of section s that are in the file.
func (img *image) raw(s *pe.Section) []byte {
	start := int64(s.Offset)
	end := min(start+int64(s.Size), int64(len(img.data)))
	if start >= end {
		return nil
	}
	return img.data[start:end]
}
