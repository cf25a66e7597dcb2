// Package shell analyzes POSIX shell, m4/autoconf, PowerShell and batch
// scripts. (Not written yet.)
package shell

import "github.com/vigilsec/vigil/report"

// Inspect returns the findings for a script fragment: a whole file, or a
// command line found inside another language's string literal. Lines are
// 1-based within script.
func Inspect(script []byte) []report.Finding { return nil }
