// Package all lists every analyzer vigil runs.
package all

import (
	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/binary"
	"github.com/vigilsec/vigil/analyze/pe"
)

// list is built once: analyzers are stateless and safe for concurrent use.
var list = []analyze.Analyzer{
	pe.Analyzer{},
	binary.Analyzer{},
}

// Analyzers returns the analyzers in the order they run.
func Analyzers() []analyze.Analyzer { return list }
