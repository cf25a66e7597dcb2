// Package sevenzip opens 7-Zip archives as an fs.FS.
//
// In a solid archive many files share one compressed stream, and reading
// a file means decompressing the stream from its start; reading the files
// in another order than stored (the walker reads them by path) would
// decompress the stream again for each one. So the first time a file of a
// shared stream is opened, the whole stream is decompressed once, in
// stored order, into a compress.Spool, and its files are served from
// there. A file alone in its stream is read straight from the archive.
//
// Directories are not listed. A symbolic link is listed as a regular file
// whose content is the link target, which is how 7-Zip stores it.
package sevenzip

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	sevenzip "github.com/vigilsec/vigil/format/sevenzip/internal/bodgit"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens 7-Zip archives.
var Format = format.Format{
	Name:  "sevenzip",
	Match: func(name string, head []byte) bool { return bytes.HasPrefix(head, magic) },
	Open:  open,
}

var magic = []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	zr, err := newReader(src)
	if err != nil {
		if !bytes.HasPrefix(format.Head(src, len(magic)), magic) {
			return nil, fmt.Errorf("%w: %v", format.ErrNotFormat, err)
		}
		return nil, explain(err)
	}
	var names format.Namer
	var entries []format.Entry
	streams := map[int]*stream{}
	total := format.Budget(lim, src.Size())
	budget := &budget{left: total, total: total}
	for i, f := range zr.File {
		if f.Mode().IsDir() {
			continue
		}
		if len(entries) >= lim.MaxEntries {
			names.Add(format.Problem{Rule: format.RuleTooManyFiles, Offset: -1,
				Message: fmt.Sprintf("more than %d entries; the rest are not listed", lim.MaxEntries)})
			break
		}
		s := streams[f.Stream]
		if s == nil {
			s = &stream{lim: lim, budget: budget}
			streams[f.Stream] = s
		}
		s.files = append(s.files, f)
		e := format.Entry{
			Name:    names.Clean(f.Name, -1),
			Size:    int64(min(f.UncompressedSize, 1<<62)),
			Mode:    f.Mode().Perm(),
			ModTime: f.Modified,
		}
		if f.UncompressedSize > uint64(lim.MaxEntryBytes) {
			names.Add(format.Problem{Path: e.Name, Rule: format.RuleEntryTooLarge, Offset: -1,
				Message: fmt.Sprintf("entry %q declares %d bytes, over the %d-byte limit", f.Name, f.UncompressedSize, lim.MaxEntryBytes)})
		}
		e.Open = s.opener(len(s.files)-1, zr.File[i])
		entries = append(entries, e)
	}
	return format.NewTree(entries, names.Problems()), nil
}

// ErrEncrypted is wrapped by the errors for archives and entries that are
// encrypted; vigil has no password to try.
var ErrEncrypted = errors.New("encrypted")

// explain marks the errors the 7z reader hints are due to encryption.
func explain(err error) error {
	var re *sevenzip.ReadError
	if errors.As(err, &re) && re.Encrypted {
		return fmt.Errorf("%w: %v", ErrEncrypted, err)
	}
	return err
}
