// Package asar opens Electron's asar archives (resources/app.asar) as an
// fs.FS.
//
// An asar file is a Chromium pickle holding a JSON header, followed by the
// file data: UInt32LE 4, UInt32LE header size N, then the header pickle
// (UInt32LE payload size, UInt32LE JSON length, JSON padded to 4 bytes),
// with file data from offset 8+N. The JSON is a tree:
//
//	{"files": {"name": {"files": {...}}                  a directory
//	                    {"offset": "123", "size": 45}    a file
//	                    {"link": "target"}}}             a symbolic link
//
// Offsets are relative to the data and written as strings. A file marked
// "unpacked" lives outside the archive, in app.asar.unpacked/; it has no
// data here and is reported with the rule RuleUnpacked instead of listed.
// A link is listed as a regular file whose content is its target; it is
// never followed. When a file carries an "integrity" SHA256 hash, the
// data is checked against it and a mismatch reported with RuleIntegrity:
// Electron checks those hashes at load time when its integrity fuse is on,
// so a mismatch means the data was changed after packing.
package asar

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Rule IDs this package reports, besides the shared archive rules.
const (
	RuleUnpacked  = "asar.unpacked"
	RuleIntegrity = "asar.integrity"
)

// Bounds on the header: asar headers of large Electron apps are a few MB.
const (
	maxHeader = 64 << 20
	maxDepth  = 256
)

// Format recognises and opens asar archives.
var Format = format.Format{
	Name:  "asar",
	Match: match,
	Open:  open,
}

var jsonStart = []byte(`{"files"`)

func match(name string, head []byte) bool {
	if format.HasExt(name, ".asar") {
		return true
	}
	return len(head) >= 16+len(jsonStart) &&
		binary.LittleEndian.Uint32(head) == 4 &&
		bytes.HasPrefix(head[16:], jsonStart)
}

// header reads the pickle framing and returns the JSON header and the
// offset where file data starts.
func header(src format.Source) ([]byte, int64, error) {
	var b [16]byte
	if _, err := src.ReadAt(b[:], 0); err != nil {
		return nil, 0, fmt.Errorf("%w: %d bytes, too short for an asar header", format.ErrNotFormat, src.Size())
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != 4 {
		return nil, 0, fmt.Errorf("%w: size pickle is %d bytes, not 4", format.ErrNotFormat, le.Uint32(b[0:]))
	}
	n, payload, jsonLen := int64(le.Uint32(b[4:])), int64(le.Uint32(b[8:])), int64(le.Uint32(b[12:]))
	switch {
	case n > maxHeader:
		return nil, 0, format.LimitError("asar header bytes", maxHeader)
	case 8+n > src.Size():
		return nil, 0, fmt.Errorf("asar: header of %d bytes runs past the end of the %d-byte file", n, src.Size())
	case payload+4 > n || jsonLen+4 > payload:
		return nil, 0, fmt.Errorf("asar: header pickle sizes disagree (header %d, payload %d, JSON %d)", n, payload, jsonLen)
	}
	js := make([]byte, jsonLen)
	if _, err := src.ReadAt(js, 16); err != nil {
		return nil, 0, fmt.Errorf("asar: reading header: %v", err)
	}
	return js, 8 + n, nil
}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	js, base, err := header(src)
	if err != nil {
		return nil, err
	}
	var root node
	if err := json.Unmarshal(js, &root); err != nil {
		if !bytes.HasPrefix(js, jsonStart) {
			return nil, fmt.Errorf("%w: header is not asar JSON: %v", format.ErrNotFormat, err)
		}
		return nil, fmt.Errorf("asar: header JSON: %v", err)
	}
	if root.Files == nil {
		return nil, fmt.Errorf("%w: header has no \"files\"", format.ErrNotFormat)
	}
	x := &lister{src: src, lim: lim, name: name, base: base}
	x.dir(root.Files, "", 1)
	return format.NewTree(x.entries, x.names.Problems()), nil
}
