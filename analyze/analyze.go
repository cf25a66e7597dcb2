// Package analyze defines analyzers: each turns one file into findings.
// Analyzers parse what they read; they never execute, load or import it.
//
// One package below this one per language or file family. Package
// analyze/all lists them in the order they run.
package analyze

import (
	"path"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// File is one file handed to analyzers.
type File struct {
	Path string // display path, archive boundaries written as "!/"
	Data []byte // the bytes, at most the analysis bound
	Size int64  // the real size; larger than len(Data) when truncated
	Kind Kind   // from Sniff
}

// Name is the file's base name.
func (f *File) Name() string { return path.Base(strings.ReplaceAll(f.Path, "!/", "/")) }

// Truncated reports whether Data holds less than the whole file.
func (f *File) Truncated() bool { return int64(len(f.Data)) < f.Size }

// Analyzer finds risky capabilities in one file. Analyze must be safe for
// concurrent use, must not panic on any input, and must return findings in
// a deterministic order, each with its evidence (line or offset, match).
type Analyzer interface {
	Name() string
	Rules() []report.Rule
	Analyze(f *File) []report.Finding
}

// Differ is implemented by analyzers that compare two versions of the same
// file beyond their separate findings: a manifest that gained an install
// hook, say. Its findings describe the new file and are all new.
type Differ interface {
	Diff(old, new *File) []report.Finding
}
