// Package squirrel opens Squirrel.Windows installers (Setup.exe) as an
// fs.FS.
//
// Squirrel's Setup.exe is a small C++ bootstrapper carrying a zip of
// Update.exe, the application's full .nupkg and a RELEASES file. It finds
// the zip in one of two places, and so does this package:
//
//   - Squirrel.Windows 1.x (WriteZipToSetup): the PE resource of type
//     "DATA", ID 131 (IDR_UPDATE_ZIP), language 0x0409.
//   - Squirrel.Windows 2.x (bundle_marker.cpp): the zip is appended to the
//     executable and a 48-byte placeholder in its data holds the zip's
//     offset and length (little-endian int64s) followed by the SHA-256 of
//     "squirrel bundle".
//
// The tree is the zip's contents, opened by package zip, so the .nupkg in
// it is opened as a zip in turn by the walker. A PE file with neither is
// not a Squirrel installer and Open returns format.ErrNotFormat.
package squirrel

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/zip"
)

// Format recognises a PE file; Open decides whether it is a Squirrel
// installer.
var Format = format.Format{
	Name:  "squirrel",
	Match: func(name string, head []byte) bool { return bytes.HasPrefix(head, []byte("MZ")) },
	Open: func(name string, src format.Source, lim format.Limits) (fs.FS, error) {
		off, n, err := Find(src)
		if err != nil {
			return nil, err
		}
		return zip.Format.Open("Setup.zip", io.NewSectionReader(src, off, n), lim)
	},
}

// Where Squirrel.Windows 1.x keeps the zip (src/Setup/resource.h).
const (
	resourceType = "DATA"
	resourceID   = 131
)

// bundleSignature is the SHA-256 of "squirrel bundle", which ends the
// placeholder in Squirrel.Windows 2.x's Setup.exe.
var bundleSignature = []byte{
	0x94, 0xf0, 0xb1, 0x7b, 0x68, 0x93, 0xe0, 0x29,
	0x37, 0xeb, 0x34, 0xef, 0x53, 0xaa, 0xe7, 0xd4,
	0x2b, 0x54, 0xf5, 0x70, 0x7e, 0xf5, 0xd6, 0xf5,
	0x78, 0x54, 0x98, 0x3e, 0x5e, 0x94, 0xed, 0x7d,
}

var zipMagic = []byte("PK\x03\x04")

// Find returns the offset and length of the zip embedded in a Squirrel
// Setup.exe, or format.ErrNotFormat if src is not one.
func Find(src format.Source) (offset, length int64, err error) {
	f, err := pe.NewFile(src)
	if err != nil {
		return 0, 0, format.ErrNotFormat
	}
	defer f.Close()
	off, n, ok := findResource(f, src)
	if !ok {
		off, n, ok = findBundle(f, src)
	}
	if !ok {
		return 0, 0, format.ErrNotFormat
	}
	if n > src.Size()-off {
		return 0, 0, fmt.Errorf("Squirrel installer's zip of %d bytes at offset %d runs past the end of the %d-byte file", n, off, src.Size())
	}
	return off, n, nil
}

// isZip reports whether a zip of n bytes starts at off. The end may lie
// past the end of src: Find reports a truncated installer as such.
func isZip(src format.Source, off, n int64) bool {
	if off < 0 || n < int64(len(zipMagic)) || off > src.Size()-int64(len(zipMagic)) {
		return false
	}
	magic := make([]byte, len(zipMagic))
	_, err := src.ReadAt(magic, off)
	return err == nil && bytes.Equal(magic, zipMagic)
}

// findBundle looks for the 2.x placeholder in the raw data of the
// writable initialised-data sections (.data), where a non-const static
// array lives. Every PE file in a release comes through here, so the
// larger read-only sections (.rdata, .rsrc) are not searched.
func findBundle(f *pe.File, src format.Source) (int64, int64, bool) {
	const want = pe.IMAGE_SCN_CNT_INITIALIZED_DATA | pe.IMAGE_SCN_MEM_WRITE
	for _, s := range f.Sections {
		if s.Characteristics&want != want || int64(s.Size) > src.Size() {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		for i := 0; ; {
			j := bytes.Index(data[i:], bundleSignature)
			if j < 0 {
				break
			}
			at := i + j
			if at >= 16 {
				off := int64(binary.LittleEndian.Uint64(data[at-16:]))
				n := int64(binary.LittleEndian.Uint64(data[at-8:]))
				if isZip(src, off, n) {
					return off, n, true
				}
			}
			i = at + 1
		}
	}
	return 0, 0, false
}
