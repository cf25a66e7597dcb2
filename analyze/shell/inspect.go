// Package shell analyzes POSIX shell, m4/autoconf, PowerShell and batch
// scripts for the commands that turn a release into a dropper: download
// and execute, decode and execute, reverse shells, the environment sent
// over the network, and the Windows binaries that fetch and run code.
//
// A script is read, never run. POSIX shell is parsed with mvdan.cc/sh so
// that comments and here-document text (usage messages full of "curl |
// sh") are not taken for code; autoconf output and m4, which no shell
// parser reads, fall back to masking comment lines. The rules then read
// each logical line, split into command lists and pipelines.
package shell

import (
	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Inspect returns the findings for a script fragment: a whole file, or a
// command line found inside another language's string literal. Lines are
// 1-based within script.
func Inspect(script []byte) []report.Finding {
	return inspect(script, dialectAny, 0)
}

// Analyzer inspects files of the Shell, M4, PowerShell and Batch kinds.
type Analyzer struct{}

var _ analyze.Analyzer = Analyzer{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "shell" }

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	switch f.Kind {
	case analyze.Shell:
		return inspect(f.Data, dialectPOSIX, 0)
	case analyze.M4:
		return inspect(f.Data, dialectM4, 0)
	case analyze.PowerShell:
		return inspect(f.Data, dialectPowerShell, 0)
	case analyze.Batch:
		return inspect(f.Data, dialectBatch, 0)
	}
	return nil
}

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	out := make([]report.Rule, len(rules))
	copy(out, rules)
	return out
}
