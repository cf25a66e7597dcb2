package format

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Namer turns the names a container declares into unique fs.ValidPath names
// and records a Problem for every name it had to change. Format packages use
// it so that no entry can name a path outside its container.
type Namer struct {
	seen     map[string]bool
	problems []Problem
}

// Clean returns the safe name for declared, which the container stores at
// offset (-1 if unknown). isDir is used only to keep directories distinct.
func (n *Namer) Clean(declared string, offset int64) string {
	if n.seen == nil {
		n.seen = make(map[string]bool)
	}
	name := strings.ReplaceAll(declared, "\\", "/")
	name = strings.TrimRight(name, "/")
	unsafe := strings.HasPrefix(name, "/") || hasDotDot(name) || (len(name) > 1 && name[1] == ':')
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".", "..":
			continue
		}
		if strings.ContainsRune(p, 0) {
			p = strings.ReplaceAll(p, "\x00", "_")
			unsafe = true
		}
		parts = append(parts, p)
	}
	clean := path.Join(parts...)
	if clean == "" || clean == "." {
		clean = "_unnamed"
	}
	if unsafe {
		n.problems = append(n.problems, Problem{
			Path:    clean,
			Rule:    RulePathTraversal,
			Message: fmt.Sprintf("entry name %q escapes the container; shown as %q", declared, clean),
			Offset:  offset,
		})
	}
	if n.seen[clean] {
		for i := 2; ; i++ {
			alt := fmt.Sprintf("%s~%d", clean, i)
			if !n.seen[alt] {
				n.problems = append(n.problems, Problem{
					Path:    alt,
					Rule:    RuleMalformed,
					Message: fmt.Sprintf("duplicate entry name %q; later copy shown as %q", declared, alt),
					Offset:  offset,
				})
				clean = alt
				break
			}
		}
	}
	n.seen[clean] = true
	if !fs.ValidPath(clean) {
		clean = fmt.Sprintf("_invalid_%d", len(n.seen))
	}
	return clean
}

// Add records a problem found elsewhere in the container.
func (n *Namer) Add(p Problem) { n.problems = append(n.problems, p) }

// Problems returns the problems recorded so far, in the order found.
func (n *Namer) Problems() []Problem { return n.problems }

func hasDotDot(name string) bool {
	for _, p := range strings.Split(name, "/") {
		if p == ".." {
			return true
		}
	}
	return false
}
