package asar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/format"
)

// lister turns the header tree into entries.
type lister struct {
	src     format.Source
	lim     format.Limits
	name    string // the archive's name, for unpacked files' location
	base    int64  // where file data starts
	names   format.Namer
	entries []format.Entry
	full    bool // MaxEntries reached
}

// dir lists the children of a directory whose declared path is dir,
// depth levels below the root, in name order.
func (x *lister) dir(files map[string]*node, dir string, depth int) {
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if x.full {
			return
		}
		declared := k
		if dir != "" {
			declared = dir + "/" + k
		}
		n := files[k]
		switch {
		case n == nil:
			x.problem(declared, format.RuleMalformed, -1, "entry %q is null", declared)
		case n.Files != nil:
			if depth >= maxDepth {
				x.problem(declared, format.RuleTooManyFiles, -1, "directory %q is nested over %d deep; its contents are not listed", declared, maxDepth)
				continue
			}
			x.dir(n.Files, declared, depth+1)
		default:
			x.file(n, declared)
		}
	}
}

// file lists one file or link.
func (x *lister) file(n *node, declared string) {
	if len(x.entries) >= x.lim.MaxEntries {
		x.names.Add(format.Problem{Rule: format.RuleTooManyFiles, Offset: -1,
			Message: fmt.Sprintf("more than %d entries; the rest are not listed", x.lim.MaxEntries)})
		x.full = true
		return
	}
	mode := fs.FileMode(0o644)
	if n.Executable {
		mode = 0o755
	}
	switch {
	case n.Link != nil:
		target := *n.Link
		x.entries = append(x.entries, format.Entry{
			Name: x.names.Clean(declared, -1), Size: int64(len(target)), Mode: mode,
			Open: func() (io.ReadCloser, error) { return format.NopCloser(strings.NewReader(target)), nil },
		})
		return
	case n.Unpacked:
		x.problem(declared, RuleUnpacked, -1, "%q is stored outside the archive, in %s.unpacked/%s; it is not part of this scan", declared, x.name, declared)
		return
	case n.Size == nil || n.Offset == nil:
		x.problem(declared, format.RuleMalformed, -1, "entry %q has no offset or size", declared)
		return
	}
	off, size := int64(*n.Offset), int64(*n.Size)
	at := x.base + off
	switch {
	case off < 0 || size < 0 || at < x.base || at > x.src.Size() || size > x.src.Size()-at:
		x.problem(declared, format.RuleMalformed, -1, "entry %q claims bytes %d+%d, outside the %d-byte archive", declared, off, size, x.src.Size())
		return
	case size > x.lim.MaxEntryBytes:
		x.problem(declared, format.RuleEntryTooLarge, at, "entry %q is %d bytes, over the %d-byte limit", declared, size, x.lim.MaxEntryBytes)
		return
	}
	name := x.names.Clean(declared, at)
	x.entries = append(x.entries, format.Entry{
		Name: name, Size: size, Mode: mode,
		Open: func() (io.ReadCloser, error) {
			return format.NopCloser(io.NewSectionReader(x.src, at, size)), nil
		},
	})
	x.check(n.Integrity, name, at, size)
}

// check compares a file's data with the SHA256 hash the header records.
func (x *lister) check(in *integrity, name string, at, size int64) {
	if in == nil || !strings.EqualFold(in.Algorithm, "SHA256") {
		return
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(x.src, at, size)); err != nil {
		return
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, in.Hash) {
		x.names.Add(format.Problem{Path: name, Rule: RuleIntegrity, Offset: at,
			Message: fmt.Sprintf("%s: data hashes to sha256 %s but the header records %s; changed after packing", name, got, in.Hash)})
	}
}

// problem records a problem about an entry not listed; its path is made
// safe the way Namer would, without claiming the name.
func (x *lister) problem(declared, rule string, off int64, msg string, args ...any) {
	x.names.Add(format.Problem{Path: path.Clean("/" + strings.ReplaceAll(declared, "\\", "/"))[1:], Rule: rule, Offset: off,
		Message: fmt.Sprintf(msg, args...)})
}
