// Package vigil inspects software releases for tampering. Scan judges one
// release artifact; Diff judges what a new release adds to an old one. Both
// open every container inside the artifact (archives, installers, packages,
// app bundles, images) without extracting or running anything.
package vigil

import (
	"github.com/vigilsec/vigil/format"
)

// Options tune a scan or diff. The zero value uses the defaults.
type Options struct {
	Limits   format.Limits // zero: format.DefaultLimits
	Workers  int           // analysers run in parallel; zero: GOMAXPROCS
	Suppress *Suppressions // may be nil
	// Progress, if set, is called with the count of files done so far.
	Progress func(done int)
	// All lists every file in a scan report, not only those with findings.
	All bool
}
