// Package compress opens a file compressed with gzip, xz, zstd or bzip2 as
// a container of one entry, the decompressed file.
//
// Compressed tars are package tar's; the walker tries it first. The entry
// is decompressed afresh from the source each time it is opened rather than
// spooled, since the walker reads each entry once, in order, and a single
// stream is all there is.
package compress

import (
	"io"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens compressed files.
var Format = format.Format{
	Name:  "compress",
	Match: func(name string, head []byte) bool { return Detect(head) != None },
	Open:  open,
}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	m := Detect(format.Head(src, 16))
	if m == None {
		return nil, format.ErrNotFormat
	}
	// A header the decompressor rejects outright is not this format.
	r, err := NewReader(m, io.NewSectionReader(src, 0, src.Size()))
	if err != nil {
		return nil, format.ErrNotFormat
	}
	r.Close()
	var n format.Namer
	e := format.Entry{
		Name: n.Clean(EntryName(name), -1),
		Size: -1,
		Mode: 0o444,
		Open: func() (io.ReadCloser, error) {
			r, err := NewReader(m, io.NewSectionReader(src, 0, src.Size()))
			if err != nil {
				return nil, err
			}
			return readCloser{format.LimitReader(r, lim.MaxEntryBytes), r}, nil
		},
	}
	return format.NewTree([]format.Entry{e}, n.Problems()), nil
}

// suffixes maps compressed-file extensions to what replaces them.
var suffixes = []struct{ ext, repl string }{
	{".tgz", ".tar"}, {".taz", ".tar"}, {".txz", ".tar"}, {".tzst", ".tar"},
	{".tbz2", ".tar"}, {".tbz", ".tar"},
	{".gz", ""}, {".gzip", ""}, {".z", ""}, {".xz", ""}, {".zst", ""},
	{".zstd", ""}, {".bz2", ""}, {".bz", ""},
}

// EntryName returns the name of the file compressed in the container called
// name: name without its compression extension ("foo.js.gz" gives
// "foo.js", "foo.tgz" gives "foo.tar"), or name+".out" without one.
func EntryName(name string) string {
	lower := strings.ToLower(name)
	for _, s := range suffixes {
		if strings.HasSuffix(lower, s.ext) && len(name) > len(s.ext) {
			return name[:len(name)-len(s.ext)] + s.repl
		}
	}
	if name == "" {
		name = "_unnamed"
	}
	return name + ".out"
}

type readCloser struct {
	io.Reader
	io.Closer
}
