// Package cab opens Microsoft cabinet files (.cab) as an fs.FS.
//
// A cabinet holds folders, each one solid compressed stream made of CFDATA
// blocks, and files, each a byte range of one folder. Folders are stored
// uncompressed, with MSZIP (deflate blocks sharing one history) or with LZX
// (package lzx). Quantum and cabinets spanning several files are reported
// as problems and their contents are listed but not readable.
//
// A folder is decompressed once, the first time one of its files is read,
// into memory up to a budget and past it into an unnamed temporary file.
// Package msi reads the cabinets inside installers through Parse.
package cab

import (
	"bytes"
	"io"
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens cabinet files.
var Format = format.Format{
	Name:  "cab",
	Match: Match,
	Open:  Open,
}

// Match reports whether head starts a cabinet: the "MSCF" signature with a
// zero reserved word and version 1.x, so that text starting with "MSCF" is
// not taken for one.
func Match(name string, head []byte) bool {
	return len(head) >= 36 && bytes.HasPrefix(head, []byte("MSCF")) &&
		le32(head[4:]) == 0 && head[25] == 1
}

// Open lists the files of the cabinet in src.
func Open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	c, err := Parse(src, lim)
	if err != nil {
		return nil, err
	}
	var n format.Namer
	entries := make([]format.Entry, 0, len(c.Files))
	for i := range c.Files {
		f := &c.Files[i]
		entries = append(entries, format.Entry{
			Name:    n.Clean(f.Name, f.HeaderOffset),
			Size:    f.Size,
			Mode:    0o444,
			ModTime: f.ModTime,
			Open:    func() (io.ReadCloser, error) { return c.Open(i) },
		})
	}
	return format.NewTree(entries, append(c.Problems(), n.Problems()...)), nil
}
