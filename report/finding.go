package report

import (
	"strings"
	"unicode/utf8"
)

// Finding is one reason for concern in one file, with the evidence for it.
type Finding struct {
	Rule    string `json:"rule"`
	Level   Level  `json:"level"`
	Message string `json:"message"`
	// Line is 1-based; 0 when the evidence is not line-addressed, and then
	// Offset, a byte offset into the file, locates it.
	Line   int   `json:"line,omitempty"`
	Column int   `json:"column,omitempty"`
	Offset int64 `json:"offset"`
	// Match is the matched text or value, cut to MaxMatch bytes.
	Match string `json:"match"`
	// Diff only. New is true when the finding is absent from the old
	// release's copy of the file; Added when it sits in added lines.
	New   bool `json:"new,omitempty"`
	Added bool `json:"added,omitempty"`
}

// MaxMatch bounds Finding.Match so that a 1 MB minified line does not end
// up in the report.
const MaxMatch = 200

// Snippet cuts s to MaxMatch bytes on a rune boundary, replacing control
// characters and invalid UTF-8, so evidence is safe to print.
func Snippet(s string) string {
	if len(s) > MaxMatch {
		cut := MaxMatch
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return '?'
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return '?'
		}
		return r
	}, s)
}

// Key identifies a finding's capability independent of where it sits, so
// the same capability in two releases of a file can be recognised.
func (f Finding) Key() string { return f.Rule + "\x00" + f.Match }

// Rule describes one finding type for `vigil rules` and SARIF.
type Rule struct {
	ID      string `json:"id"`
	Level   Level  `json:"level"` // the usual level; a finding may differ
	Summary string `json:"summary"`
	Help    string `json:"help"`
}
