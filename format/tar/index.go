package tar

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// memoryBudget is how much of a decompressed tar is held in memory before
// it spills to a temporary file; tests lower it.
var memoryBudget int64 = compress.MemoryBudget

// indexer lists a tar in one pass. src is the archive when it is plain
// (entries are then sections of it); otherwise entry bytes are copied into
// spool as they stream past. Sparse files are copied into spool either way,
// with their holes filled in.
type indexer struct {
	lim     format.Limits
	src     format.Source
	spool   *compress.Spool
	left    int64 // bytes the spool may still take
	names   format.Namer
	entries []format.Entry
	pos     func() int64 // offset reached in the (decompressed) tar
}

// index lists a tar: the plain tar src if it is not nil, else the stream
// r. budget bounds the bytes decompressed from r and the bytes spooled.
func index(r io.Reader, src format.Source, lim format.Limits, budget int64, trailing bool) (*format.Tree, error) {
	x := &indexer{lim: lim, src: src, left: budget}
	if src != nil {
		// archive/tar seeks over data it is not asked for.
		sr := io.NewSectionReader(src, 0, src.Size())
		r, x.pos = sr, func() int64 { n, _ := sr.Seek(0, io.SeekCurrent); return n }
	} else {
		c := &counter{r: format.LimitReader(r, budget)}
		// A plain tar's head was checked by the caller; check the stream's.
		var first [blockSize]byte
		n, _ := io.ReadFull(c, first[:])
		if !IsHeader(first[:n]) {
			return nil, format.ErrNotFormat
		}
		r = io.MultiReader(bytes.NewReader(first[:]), c)
		x.pos = func() int64 { return c.n }
	}
	tr := tar.NewReader(r)
	var end int64 // end of the last entry's data
	headers := 0
	for {
		at := roundUp(end)
		hdr, err := tr.Next()
		if err == io.EOF {
			if trailing {
				x.trailing(r)
			}
			break
		}
		if err != nil {
			if len(x.entries) == 0 && len(x.names.Problems()) == 0 && errors.Is(err, tar.ErrHeader) && at == 0 {
				return nil, format.ErrNotFormat
			}
			x.stop(at, err)
			break
		}
		// Directories count too: they cost a header each to read.
		if headers++; headers > lim.MaxEntries {
			x.names.Add(format.Problem{Rule: format.RuleTooManyFiles, Offset: at,
				Message: fmt.Sprintf("more than %d entries; the rest are not listed", lim.MaxEntries)})
			break
		}
		start := x.pos()
		if err := x.add(tr, hdr, at); err != nil {
			x.stop(at, err)
			break
		}
		// Where this entry's data ends, to locate the next header: the
		// data may have been read, skipped, or not reached yet.
		end = x.pos()
		if isData(hdr.Typeflag) && !isSparse(hdr) {
			end = start + hdr.Size
		}
	}
	return format.NewTree(x.entries, x.names.Problems()), nil
}

// trailing reports data after the end-of-archive marker, read from r.
// tar -x ignores it, so it is a place to carry bytes no listing shows;
// zero padding up to the record size is normal and not reported.
func (x *indexer) trailing(r io.Reader) {
	start := x.pos()
	buf := make([]byte, 32<<10)
	first, n := int64(-1), int64(0)
	for {
		m, err := r.Read(buf)
		if i := bytes.IndexFunc(buf[:m], func(c rune) bool { return c != 0 }); first < 0 && i >= 0 {
			first = start + n + int64(i)
		}
		n += int64(m)
		if err != nil {
			break
		}
	}
	if first >= 0 {
		x.names.Add(format.Problem{Rule: format.RuleMalformed, Offset: first,
			Message: fmt.Sprintf("%d bytes follow the end-of-archive marker at offset %d, not part of any entry; data starts at offset %d", n, start, first)})
	}
}

// stop records why indexing ended early.
func (x *indexer) stop(at int64, err error) {
	rule, msg := format.RuleMalformed, "archive is truncated or corrupt"
	if errors.Is(err, format.ErrLimit) {
		rule, msg = format.RuleEntryTooLarge, "archive unpacks to too much"
	}
	x.names.Add(format.Problem{Rule: rule, Offset: at,
		Message: fmt.Sprintf("%s; entries after offset %d are not listed: %v", msg, at, err)})
}

// add lists the entry hdr describes, whose header starts at at.
func (x *indexer) add(tr *tar.Reader, hdr *tar.Header, at int64) error {
	link := hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink
	if !link && !isData(hdr.Typeflag) {
		return nil // directories, devices, FIFOs: nothing to read
	}
	name := x.names.Clean(hdr.Name, at)
	switch {
	case link:
		x.addBytes(hdr, name, []byte(hdr.Linkname))
		return nil
	case hdr.Size > x.lim.MaxEntryBytes:
		x.names.Add(format.Problem{Path: name, Rule: format.RuleEntryTooLarge, Offset: at,
			Message: fmt.Sprintf("entry %q declares %d bytes, over the %d-byte limit; not listed", hdr.Name, hdr.Size, x.lim.MaxEntryBytes)})
		return nil
	case x.src != nil && !isSparse(hdr):
		off := x.pos()
		n := hdr.Size
		if off+n > x.src.Size() {
			n = max(x.src.Size()-off, 0)
			x.names.Add(format.Problem{Path: name, Rule: format.RuleMalformed, Offset: at,
				Message: fmt.Sprintf("entry %q is truncated: %d of %d bytes present", hdr.Name, n, hdr.Size)})
		}
		x.addSection(hdr, name, x.src, off, n)
		return nil
	}
	// A stream, or a sparse file whose holes archive/tar fills in.
	if x.spool == nil {
		x.spool = compress.NewSpool(memoryBudget)
	}
	off := x.spool.Size()
	n, err := io.Copy(x.spool, format.LimitReader(tr, x.left))
	x.left -= n
	x.addSection(hdr, name, x.spool, off, n)
	if err != nil {
		return err
	}
	if n != hdr.Size {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func (x *indexer) addSection(hdr *tar.Header, name string, src io.ReaderAt, off, n int64) {
	max := x.lim.MaxEntryBytes
	x.entries = append(x.entries, format.Entry{
		Name:    name,
		Size:    n,
		Mode:    hdr.FileInfo().Mode().Perm(),
		ModTime: hdr.ModTime,
		Open: func() (io.ReadCloser, error) {
			return format.NopCloser(format.LimitReader(io.NewSectionReader(src, off, n), max)), nil
		},
	})
}

func (x *indexer) addBytes(hdr *tar.Header, name string, b []byte) {
	x.entries = append(x.entries, format.Entry{
		Name:    name,
		Size:    int64(len(b)),
		Mode:    hdr.FileInfo().Mode().Perm(),
		ModTime: hdr.ModTime,
		Open: func() (io.ReadCloser, error) {
			return format.NopCloser(strings.NewReader(string(b))), nil
		},
	})
}

// isData reports whether entries of type t carry file data.
func isData(t byte) bool {
	switch t {
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse:
		return true
	}
	return false
}

// isSparse reports whether hdr is a GNU sparse file, whose stored data is
// not the file's bytes.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func roundUp(n int64) int64 { return (n + blockSize - 1) / blockSize * blockSize }

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

var _ fs.FS = (*format.Tree)(nil)
