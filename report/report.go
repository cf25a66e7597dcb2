package report

import (
	"sort"
)

// Schema names the JSON layout documented in docs/report-schema.md.
const Schema = "vigil.report/v1"

// File statuses in a diff.
const (
	Added     = "added"
	Changed   = "changed"
	Removed   = "removed"
	Unchanged = "unchanged"
)

// File is the result for one file. Path names every container the file
// sits in, each boundary written as "!/".
type File struct {
	Path     string    `json:"path"`
	OldPath  string    `json:"old_path,omitempty"`
	Status   string    `json:"status,omitempty"`
	Kind     string    `json:"kind,omitempty"`
	Size     int64     `json:"size"`
	SHA256   string    `json:"sha256,omitempty"`
	Risk     Level     `json:"risk"`
	Findings []Finding `json:"findings,omitempty"`
	// AddedLines and RemovedLines count the text diff of a changed file.
	AddedLines   int `json:"added_lines,omitempty"`
	RemovedLines int `json:"removed_lines,omitempty"`
}

// Summary counts what a run looked at.
type Summary struct {
	Files     int           `json:"files"`
	Added     int           `json:"added,omitempty"`
	Changed   int           `json:"changed,omitempty"`
	Removed   int           `json:"removed,omitempty"`
	Unchanged int           `json:"unchanged,omitempty"`
	Findings  map[Level]int `json:"findings"`
}

// Report is the outcome of one scan or diff.
type Report struct {
	Schema  string  `json:"schema"`
	Mode    string  `json:"mode"` // "scan" or "diff"
	Target  string  `json:"target"`
	Base    string  `json:"base,omitempty"`
	Risk    Level   `json:"risk"`
	Summary Summary `json:"summary"`
	Files   []File  `json:"files"`
}

// Finish computes every file's risk from its findings, the overall risk,
// the finding counts, and puts files and findings in their stable order:
// riskiest first, then by path. A diff finding that is not New is context
// and does not count towards risk.
func (r *Report) Finish() {
	r.Schema = Schema
	r.Risk = None
	r.Summary.Findings = map[Level]int{}
	for i := range r.Files {
		f := &r.Files[i]
		f.Risk = None
		SortFindings(f.Findings)
		for _, fd := range f.Findings {
			if r.Mode == "diff" && !fd.New {
				continue
			}
			r.Summary.Findings[fd.Level]++
			if fd.Level > f.Risk {
				f.Risk = fd.Level
			}
		}
		if f.Risk > r.Risk {
			r.Risk = f.Risk
		}
	}
	sort.SliceStable(r.Files, func(i, j int) bool {
		a, b := r.Files[i], r.Files[j]
		if a.Risk != b.Risk {
			return a.Risk > b.Risk
		}
		return a.Path < b.Path
	})
}

// SortFindings orders findings riskiest first, then by place and rule, so
// output never depends on map order or goroutine scheduling.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.New != b.New {
			return a.New
		}
		if a.Level != b.Level {
			return a.Level > b.Level
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Match < b.Match
	})
}
