package render

import (
	"bufio"
	"fmt"
	"io"

	"github.com/vigilsec/vigil/report"
)

var levelColor = map[report.Level]string{
	report.Critical: "\x1b[1;97;41m",
	report.High:     "\x1b[1;31m",
	report.Medium:   "\x1b[33m",
	report.Low:      "\x1b[36m",
	report.None:     "\x1b[2m",
}

// Text writes the report for a person: riskiest files first, each finding
// with its place and the offending text.
func Text(w io.Writer, r *report.Report, opt Options) error {
	bw := bufio.NewWriter(w)
	paint := func(l report.Level, s string) string {
		if !opt.Color {
			return s
		}
		return levelColor[l] + s + "\x1b[0m"
	}
	dim := func(s string) string {
		if !opt.Color {
			return s
		}
		return "\x1b[2m" + s + "\x1b[0m"
	}
	s := r.Summary
	if r.Mode == "diff" {
		fmt.Fprintf(bw, "vigil diff %s → %s\n", r.Base, r.Target)
		fmt.Fprintf(bw, "risk %s · %d changed, %d added, %d removed, %d unchanged\n\n",
			paint(r.Risk, upper(r.Risk)), s.Changed, s.Added, s.Removed, s.Unchanged)
	} else {
		fmt.Fprintf(bw, "vigil scan %s\n", r.Target)
		fmt.Fprintf(bw, "risk %s · %d files\n\n", paint(r.Risk, upper(r.Risk)), s.Files)
	}
	quiet := 0
	for _, f := range r.Files {
		var list []report.Finding
		context := 0
		for _, fd := range f.Findings {
			if shown(r, fd) {
				list = append(list, fd)
			} else {
				context++
			}
		}
		if len(list) == 0 {
			quiet++
			continue
		}
		status := ""
		if f.Status != "" {
			status = " (" + f.Status
			if f.AddedLines > 0 || f.RemovedLines > 0 {
				status += fmt.Sprintf(", +%d −%d lines", f.AddedLines, f.RemovedLines)
			}
			status += ")"
		}
		fmt.Fprintf(bw, "%s %s%s\n", paint(f.Risk, fmt.Sprintf("%-8s", upper(f.Risk))), f.Path, dim(status))
		for _, fd := range list {
			fmt.Fprintf(bw, "  %s %s %s: %s\n", paint(fd.Level, fmt.Sprintf("%-8s", fd.Level)), fd.Rule, dim(where(fd)), fd.Message)
			if fd.Match != "" {
				fmt.Fprintf(bw, "           %s %s\n", dim("│"), fd.Match)
			}
		}
		if context > 0 {
			fmt.Fprintf(bw, "  %s\n", dim(fmt.Sprintf("+ %d capabilities the old release already had here", context)))
		}
		fmt.Fprintln(bw)
	}
	if quiet > 0 {
		noun := "files"
		if r.Mode == "diff" {
			noun = "changed files"
		}
		fmt.Fprintf(bw, "%s\n", dim(fmt.Sprintf("%d other %s with nothing new to report", quiet, noun)))
	}
	return bw.Flush()
}

func upper(l report.Level) string {
	b := []byte(l.String())
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
