package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// Markdown writes the report as a pull-request comment: a verdict line, a
// table of files, then each file's findings.
func Markdown(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriter(w)
	s := r.Summary
	if r.Mode == "diff" {
		fmt.Fprintf(bw, "## vigil diff: **%s**\n\n`%s` → `%s`: %d changed, %d added, %d removed, %d unchanged.\n\n",
			r.Risk, mdCode(r.Base), mdCode(r.Target), s.Changed, s.Added, s.Removed, s.Unchanged)
	} else {
		fmt.Fprintf(bw, "## vigil scan: **%s**\n\n`%s`: %d files.\n\n", r.Risk, mdCode(r.Target), s.Files)
	}
	var risky []report.File
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if shown(r, fd) {
				risky = append(risky, f)
				break
			}
		}
	}
	if len(risky) == 0 {
		fmt.Fprintln(bw, "Nothing to report.")
		return bw.Flush()
	}
	fmt.Fprintln(bw, "| risk | file | status | findings |")
	fmt.Fprintln(bw, "|---|---|---|---|")
	for _, f := range risky {
		n := 0
		for _, fd := range f.Findings {
			if shown(r, fd) {
				n++
			}
		}
		fmt.Fprintf(bw, "| %s | `%s` | %s | %d |\n", f.Risk, mdCode(f.Path), f.Status, n)
	}
	for _, f := range risky {
		fmt.Fprintf(bw, "\n### %s `%s`\n\n", f.Risk, mdCode(f.Path))
		for _, fd := range f.Findings {
			if !shown(r, fd) {
				continue
			}
			fmt.Fprintf(bw, "- **%s** `%s` (%s): %s", fd.Level, fd.Rule, where(fd), mdText(fd.Message))
			if fd.Match != "" {
				fmt.Fprintf(bw, "<br>`%s`", mdCode(fd.Match))
			}
			fmt.Fprintln(bw)
		}
	}
	return bw.Flush()
}

// mdCode makes s safe inside a single-backtick code span and a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ").Replace(s)
}

// mdText escapes what Markdown would otherwise read as markup.
func mdText(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "`", "\\`", "\n", " ").Replace(s)
}
