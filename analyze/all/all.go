// Package all lists every analyzer vigil runs.
package all

import (
	"github.com/vigilsec/vigil/analyze"
)

// Analyzers returns the analyzers in the order they run.
func Analyzers() []analyze.Analyzer {
	return []analyze.Analyzer{}
}
