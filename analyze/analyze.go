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

// FileFacts is what release-wide checks see of one file: its place, its
// hash and the facts analyzers recorded (signer, version, imports).
type FileFacts struct {
	Path   string // display path
	Rel    string // path inside the release root, used to pair releases
	SHA256 string
	Kind   Kind
	Facts  map[string]string
}

// Located is a finding that a release-wide check attaches to one file.
type Located struct {
	Path    string // display path of the file it is about
	Finding report.Finding
}

// ReleaseAnalyzer looks across every file of a release: a look-alike file
// name, a binary signed by a stranger. old is nil in a scan. Findings must
// come out in a deterministic order.
type ReleaseAnalyzer interface {
	AnalyzeRelease(old, new []FileFacts) []Located
}

// FactRecorder is implemented by analyzers that record facts for release
// checks. Record is called once per file, before or after Analyze; facts
// is the file's own map and safe to write to.
type FactRecorder interface {
	Record(f *File, facts map[string]string)
}
