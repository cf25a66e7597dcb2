// Package zip opens zip archives (and jar, whl, nupkg, vsix, xpi, apk and
// Go module zips, which are zips) as an fs.FS.
//
// archive/zip reads the central directory; every name goes through
// format.Namer, so an entry called ../../evil.sh is listed under a safe
// name with a Problem rather than refused. Directory entries are not
// listed. A symbolic link is listed as a regular file whose content is the
// link target, which is how zip stores it; it is never followed.
package zip

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"

	kflate "github.com/klauspost/compress/flate"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// Format recognises and opens zip archives.
var Format = format.Format{
	Name:  "zip",
	Match: match,
	Open:  open,
}

// exts name zip-based formats, matched when the head is not a local file
// header: a self-extracting stub or other bytes may precede the archive.
var exts = []string{".zip", ".jar", ".war", ".ear", ".whl", ".nupkg", ".vsix", ".xpi", ".apk", ".aab", ".crx", ".egg"}

func match(name string, head []byte) bool {
	if len(head) >= 4 && head[0] == 'P' && head[1] == 'K' {
		switch string(head[2:4]) {
		case "\x03\x04", "\x05\x06", "\x07\x08":
			return true
		}
	}
	return format.HasExt(name, exts...)
}

// Compression methods archive/zip does not know but zip tools write.
const (
	methodBzip2 = 12
	methodZstd  = 93
	methodXz    = 95
)

// methods are the compression methods open registers or archive/zip has.
var methods = map[uint16]bool{zip.Store: true, zip.Deflate: true, methodBzip2: true, methodZstd: true, methodXz: true}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	zr, err := zip.NewReader(src, src.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Matched on its name alone, it may well be another format (an
		// Alpine .apk is a tar); with the zip magic it is a broken zip.
		if !match("", format.Head(src, 4)) {
			return nil, fmt.Errorf("%w: %v", format.ErrNotFormat, err)
		}
		return nil, err
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	zr.RegisterDecompressor(methodBzip2, decompressor(compress.Bzip2))
	zr.RegisterDecompressor(methodZstd, decompressor(compress.Zstd))
	zr.RegisterDecompressor(methodXz, decompressor(compress.Xz))
	var names format.Namer
	var entries []format.Entry
	for _, f := range zr.File {
		mode := f.Mode()
		if mode.IsDir() {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			off = -1
		}
		if len(entries) >= lim.MaxEntries {
			names.Add(format.Problem{Rule: format.RuleTooManyFiles, Offset: off,
				Message: fmt.Sprintf("more than %d entries; the rest are not listed", lim.MaxEntries)})
			break
		}
		clean := names.Clean(f.Name, off)
		if f.Flags&0x1 != 0 {
			names.Add(format.Problem{Path: clean, Rule: format.RuleUnsupported, Offset: off,
				Message: fmt.Sprintf("entry %q is encrypted; not read", f.Name)})
			continue
		}
		if !methods[f.Method] {
			names.Add(format.Problem{Path: clean, Rule: format.RuleUnsupported, Offset: off,
				Message: fmt.Sprintf("entry %q uses compression method %d, which vigil does not read", f.Name, f.Method)})
			continue
		}
		entries = append(entries, format.Entry{
			Name:    clean,
			Size:    int64(min(f.UncompressedSize64, 1<<62)),
			Mode:    mode.Perm(),
			ModTime: f.Modified,
			Open: func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, err
				}
				return readCloser{format.LimitReader(rc, lim.MaxEntryBytes), rc}, nil
			},
		})
	}
	return format.NewTree(entries, names.Problems()), nil
}

// decompressor adapts a compress.Method to archive/zip.
func decompressor(m compress.Method) zip.Decompressor {
	return func(r io.Reader) io.ReadCloser {
		rc, err := compress.NewReader(m, r)
		if err != nil {
			return errReader{err}
		}
		return rc
	}
}

// errReader fails every read with err; archive/zip's Decompressor cannot
// return an error itself.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
func (e errReader) Close() error             { return nil }

type readCloser struct {
	io.Reader
	io.Closer
}
