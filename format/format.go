// Package format defines how vigil opens a container (an archive, an
// installer, a package, an image) as an io/fs.FS without extracting it.
//
// Each container format lives in its own package below this one and exposes
// a Format value. Nesting is opening an FS on a file read from another FS;
// the walker in package walk does that, so format packages only ever see
// their own bytes.
package format

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// Source is the random-access view of a container's bytes. *bytes.Reader,
// *io.SectionReader and *strings.Reader satisfy it.
type Source interface {
	io.ReaderAt
	Size() int64
}

// Limits bound the work done on one input. A format package must respect
// MaxEntries and MaxEntryBytes itself; the walker enforces the others.
type Limits struct {
	MaxDepth      int           // containers nested inside the root
	MaxEntries    int           // entries listed by one container
	MaxEntryBytes int64         // bytes decompressed for one entry
	MaxTotalBytes int64         // bytes decompressed for the whole input
	MaxRatio      int64         // unpacked bytes per packed byte of one container
	FileTimeout   time.Duration // wall time for analysing one file
}

// DefaultLimits are generous for real releases and stop bombs early.
var DefaultLimits = Limits{
	MaxDepth:      12,
	MaxEntries:    200_000,
	MaxEntryBytes: 1 << 30,
	MaxTotalBytes: 8 << 30,
	MaxRatio:      1000,
	FileTimeout:   30 * time.Second,
}

// A Format recognises one kind of container and opens it.
type Format struct {
	// Name is short and stable ("zip", "tar", "asar"); it appears in reports.
	Name string
	// Match reports whether a file with this base name and these leading
	// bytes (at most 4 KiB, fewer for short files) is in this format.
	Match func(name string, head []byte) bool
	// Open returns the contents of the container whose base name is name. Entry names must be valid
	// fs.ValidPath names; names the container declared unsafely (absolute,
	// with "..", duplicated) are renamed and reported through Problems.
	Open func(name string, src Source, lim Limits) (fs.FS, error)
}

// Problem is something wrong with a container that the reader worked around:
// a path-traversal name, a truncated entry, a bound that was hit. The walker
// turns each into a finding and carries on.
type Problem struct {
	Path    string // entry path inside the container, "" for the container itself
	Rule    string // stable rule ID, e.g. "archive.path-traversal"
	Message string
	Offset  int64 // byte offset in the container where known, else -1
}

// ProblemReporter is implemented by an fs.FS that found problems while
// indexing its container. Problems must be returned in a stable order.
type ProblemReporter interface {
	Problems() []Problem
}

// Rule IDs shared by all container formats.
const (
	RulePathTraversal = "archive.path-traversal"
	RuleTooManyFiles  = "archive.entry-limit"
	RuleEntryTooLarge = "archive.entry-too-large"
	RuleMalformed     = "archive.malformed"
	RuleUnsupported   = "archive.unsupported"
	// A package whose own manifest of digests disagrees with its bytes:
	// a file changed after the package was built.
	RuleDigestMismatch = "package.digest-mismatch"
	// A file in a package's payload that its header does not list.
	RuleUndeclaredFile = "package.undeclared-file"
)

// MinBudget is the least a container may unpack to, whatever its packed
// size: small archives of text legitimately compress very well.
const MinBudget = 64 << 20

// Budget bounds the bytes one container of packed bytes may unpack to:
// lim.MaxRatio times packed, at least MinBudget, at most lim.MaxTotalBytes.
// The walker applies it to what it reads; formats that must decompress up
// front while opening (a tar.gz, a solid 7z, an rpm payload) apply it
// themselves, since that happens before the walker reads a byte.
func Budget(lim Limits, packed int64) int64 {
	budget := lim.MaxTotalBytes
	if lim.MaxRatio > 0 && packed > 0 && packed <= budget/lim.MaxRatio {
		budget = max(lim.MaxRatio*packed, MinBudget)
	}
	return min(budget, lim.MaxTotalBytes)
}

// ErrLimit is wrapped by errors that report a bound being hit.
var ErrLimit = errors.New("limit exceeded")

// LimitError reports which bound was hit.
func LimitError(what string, limit int64) error {
	return fmt.Errorf("%w: %s over %d", ErrLimit, what, limit)
}

// Head returns up to n leading bytes of src, for Match.
func Head(src Source, n int) []byte {
	if src.Size() < int64(n) {
		n = int(src.Size())
	}
	b := make([]byte, n)
	m, _ := src.ReadAt(b, 0)
	return b[:m]
}

// ErrNotFormat is returned by Open when a closer look shows the bytes are
// not this format after all (a tar that is not an image, say). The walker
// then tries the next format.
var ErrNotFormat = errors.New("not this format")

// A DirFormat recognises a directory that is laid out as a container, such
// as an OCI image layout, so that a directory given on the command line is
// read the way the same tree inside an archive would be.
type DirFormat struct {
	Name string
	Is   func(fsys fs.FS) bool
	Open func(fsys fs.FS, lim Limits) (fs.FS, error)
}
