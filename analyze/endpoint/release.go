package endpoint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// place is where a domain first occurs in one file.
type place struct {
	path         string
	line, offset int
}

// maxListed is the count of domains above which a file is a list (a
// benchmark corpus, a blocklist, a contributors file) rather than code
// that talks to them; lists hold every near-miss pair there is and are
// left out of the look-alike check.
const maxListed = 200

// usage maps each registrable domain to the files that use it.
type usage map[string][]place

func collect(files []analyze.FileFacts) usage {
	u := usage{}
	for _, f := range files {
		doms := f.Facts[FactDomains]
		if doms == "" || strings.Count(doms, ",") >= maxListed {
			continue
		}
		where := map[string]place{}
		for _, w := range strings.Split(f.Facts[FactWhere], ",") {
			d, pos, _ := strings.Cut(w, "@")
			ln, off, _ := strings.Cut(pos, ":")
			l, _ := strconv.Atoi(ln)
			o, _ := strconv.Atoi(off)
			where[d] = place{line: l, offset: o}
		}
		for _, d := range strings.Split(doms, ",") {
			p := where[d]
			p.path = f.Path
			u[d] = append(u[d], p)
		}
	}
	return u
}

// AnalyzeRelease implements analyze.ReleaseAnalyzer. A domain of the new
// release is a look-alike when its label imitates the label of another
// domain of either release. In a diff only domains the old release did not
// use are suspects, and when both names are new the one used by fewer files
// is. In a scan the rarer name is the suspect; on a tie both are reported
// when they look the same on screen (rn and m), neither when they merely
// differ by a letter.
func (Analyzer) AnalyzeRelease(old, new []analyze.FileFacts) []analyze.Located {
	cur := collect(new)
	var prev usage
	if old != nil {
		prev = collect(old)
	}
	labels := map[string][]string{} // label -> domains of either release
	for _, u := range []usage{cur, prev} {
		for d := range u {
			l := Label(d)
			if !contains(labels[l], d) {
				labels[l] = append(labels[l], d)
			}
		}
	}
	idx := newIndex(labels)
	var doms []string
	for d := range cur {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	var out []analyze.Located
	for _, d := range doms {
		if _, had := prev[d]; had {
			continue
		}
		other, ok := idx.partner(Label(d), func(p string) bool {
			if _, had := prev[p]; had {
				return true
			}
			if Skeleton(Label(p)) != Skeleton(Label(d)) {
				// A plain one-letter difference between two names both new
				// is as likely two projects: only the rarer one is suspect.
				return len(cur[p]) > len(cur[d])
			}
			return len(cur[p]) >= len(cur[d])
		})
		if !ok {
			continue
		}
		// Only a diff knows which name is the vendor's: there, a new name
		// that reads the same as an old one is the attack. A name merely
		// one letter off, or any pair in a scan, is as often a typo or a
		// sibling project.
		level := report.Medium
		if prev != nil && Skeleton(Label(d)) == Skeleton(Label(other)) {
			level = report.High
		}
		for _, pl := range cur[d] {
			if isProse(pl.path) {
				continue // a typo in documentation reaches no one
			}
			out = append(out, analyze.Located{Path: pl.path, Finding: report.Finding{
				Rule:  RuleLookalike,
				Level: level,
				Message: fmt.Sprintf("domain %s imitates %s, which the release also uses (%s)",
					d, other, why(Label(d), Label(other))),
				Line:   pl.line,
				Offset: int64(pl.offset),
				Match:  report.Snippet(d),
			}})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// isProse reports whether a file is documentation or a source map: it
// names domains but sends nothing to them.
func isProse(p string) bool {
	p = strings.ToLower(p)
	for _, ext := range []string{".md", ".markdown", ".rst", ".txt", ".adoc", ".map", ".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	base := p[strings.LastIndexAny(p, "/!")+1:]
	return strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "changelog") || strings.HasPrefix(base, "license")
}

func why(a, b string) string {
	if Skeleton(a) == Skeleton(b) {
		return "confusable characters"
	}
	return "one character apart"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// index finds look-alike partners without comparing every pair: labels
// are filed under their skeleton and under each single-letter deletion,
// and two labels one edit apart always share one of those keys.
type index struct {
	labels map[string][]string
	keys   map[string][]string // key -> labels
}

func newIndex(labels map[string][]string) *index {
	x := &index{labels: labels, keys: map[string][]string{}}
	var all []string
	for l := range labels {
		all = append(all, l)
	}
	sort.Strings(all)
	for _, l := range all {
		for _, k := range keysOf(l) {
			x.keys[k] = append(x.keys[k], l)
		}
	}
	return x
}

func keysOf(l string) []string {
	keys := []string{"s:" + Skeleton(l)}
	if len(l) >= 6 && len(l) <= 63 {
		keys = append(keys, "d:"+l)
		for i := range len(l) {
			keys = append(keys, "d:"+l[:i]+l[i+1:])
		}
	}
	return keys
}

// partner returns the first domain (in sorted order) whose label looks like
// label and that accept approves.
func (x *index) partner(label string, accept func(domain string) bool) (string, bool) {
	var cands []string
	for _, k := range keysOf(label) {
		for _, l := range x.keys[k] {
			if LookAlike(label, l) {
				cands = append(cands, x.labels[l]...)
			}
		}
	}
	sort.Strings(cands)
	for _, d := range cands {
		if accept(d) {
			return d, true
		}
	}
	return "", false
}
