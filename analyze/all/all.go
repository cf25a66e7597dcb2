// Package all lists every analyzer vigil runs.
package all

import (
	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/binary"
	"github.com/vigilsec/vigil/analyze/elfmacho"
	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/analyze/golang"
	"github.com/vigilsec/vigil/analyze/js"
	"github.com/vigilsec/vigil/analyze/manifest"
	"github.com/vigilsec/vigil/analyze/pe"
	"github.com/vigilsec/vigil/analyze/python"
	"github.com/vigilsec/vigil/analyze/shell"
)

// list is built once: analyzers are stateless and safe for concurrent use.
var list = []analyze.Analyzer{
	js.Analyzer{},
	shell.Analyzer{},
	python.Analyzer{},
	manifest.Analyzer{},
	golang.Analyzer{},
	endpoint.Analyzer{},
	pe.Analyzer{},
	elfmacho.ELF{},
	elfmacho.MachO{},
	binary.Analyzer{},
}

// Analyzers returns the analyzers in the order they run.
func Analyzers() []analyze.Analyzer { return list }
