package manifest

import (
	"sort"

	"github.com/vigilsec/vigil/report"
)

// lines maps byte offsets of a manifest to 1-based lines and columns.
type lines struct{ starts []int }

func newLines(b []byte) lines {
	s := []int{0}
	for i, c := range b {
		if c == '\n' {
			s = append(s, i+1)
		}
	}
	return lines{s}
}

// finding builds a finding located at byte offset off.
func (l lines) finding(rule string, lvl report.Level, msg string, off int, match string) report.Finding {
	if off < 0 {
		off = 0
	}
	i := sort.SearchInts(l.starts, off+1) - 1
	return report.Finding{Rule: rule, Level: lvl, Message: msg, Line: i + 1, Column: off - l.starts[i] + 1,
		Offset: int64(off), Match: report.Snippet(match)}
}
