// Package tar opens tar archives, plain or compressed with gzip, xz, zstd
// or bzip2, as an fs.FS.
//
// A plain tar is served in place: each entry is a section of the source.
// A compressed tar has no random access, so it is decompressed once while
// it is indexed and entry bytes are kept in a compress.Spool (memory, then
// an anonymous temporary file).
//
// Directories, devices and FIFOs are not listed. Symbolic and hard links
// are never followed: each is listed as a regular file whose content is the
// link target as written in the archive, so a link to /etc/passwd is still
// there to be judged.
package tar

import (
	"bytes"
	"io"
	"io/fs"
	"strconv"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// Format recognises and opens tar archives.
var Format = format.Format{
	Name:  "tar",
	Match: match,
	Open:  open,
}

// blockSize is the size of a tar header and the unit of its data.
const blockSize = 512

// tarExts name compressed tars whose head is too short to decompress a
// full header (a zstd block can be larger than the head the walker gives).
var tarExts = []string{".tar.gz", ".tgz", ".taz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2", ".tbz"}

func match(name string, head []byte) bool {
	if IsHeader(head) {
		return true
	}
	if compress.Detect(head) == compress.None {
		return false
	}
	block := compress.Peek(head, blockSize)
	if len(block) == blockSize {
		return IsHeader(block)
	}
	return format.HasExt(name, tarExts...)
}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	head := format.Head(src, blockSize)
	m := compress.Detect(head)
	if m == compress.None {
		if !IsHeader(head) {
			return nil, format.ErrNotFormat
		}
		return index(nil, src, lim, format.Budget(lim, src.Size()), true)
	}
	r, err := compress.NewReader(m, io.NewSectionReader(src, 0, src.Size()))
	if err != nil {
		return nil, format.ErrNotFormat
	}
	defer r.Close()
	return index(r, nil, lim, format.Budget(lim, src.Size()), true)
}

// OpenStream indexes the tar read from r, which may be compressed with any
// method package compress knows (gzip members concatenated, as Alpine
// packages are, read as one stream). It decompresses at most
// lim.MaxTotalBytes. Packages built on tar (apk, deb, oci) call it.
func OpenStream(r io.Reader, lim format.Limits) (*format.Tree, error) {
	var peek [16]byte
	n, _ := io.ReadFull(r, peek[:])
	r = io.MultiReader(bytes.NewReader(peek[:n]), r)
	if m := compress.Detect(peek[:n]); m != compress.None {
		d, err := compress.NewReader(m, r)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		r = d
	}
	// Data after the tar is the caller's: an apk or a layer may go on.
	return index(r, nil, lim, lim.MaxTotalBytes, false)
}

// IsHeader reports whether b starts with a tar header block. The checksum
// decides, not the ustar or GNU magic at offset 257: old V7 archives have
// no magic, and a magic alone is easy to come by in other files.
func IsHeader(b []byte) bool {
	return len(b) >= blockSize && checksumOK(b)
}

// checksumOK checks the header checksum, summing bytes as unsigned or
// signed, since historic tars used either.
func checksumOK(b []byte) bool {
	field := bytes.Trim(b[148:156], " \x00")
	want, err := strconv.ParseInt(string(field), 8, 64)
	if err != nil || len(field) == 0 {
		return false
	}
	var unsigned, signed int64
	for i := 0; i < blockSize; i++ {
		c := b[i]
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}
