package vigil

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// Suppression silences findings. Every field that is set must match; a
// suppression with only Hash set drops the whole file from the report.
type Suppression struct {
	Rule string // rule ID, or a prefix ending in "." ("js.")
	Path string // glob over display paths; "*" matches across "/" and "!/"
	Hash string // sha256 hex of the file
}

// Suppressions is a list of Suppression, from flags or a file such as
// .vigilignore kept in the user's repository.
type Suppressions struct {
	List []Suppression
}

// ParseSuppressions reads one suppression per line, each a set of
// space-separated key:value pairs with keys rule, path and sha256:
//
//	# the vendor's updater has always spawned its helper
//	rule:js.child-process path:*/updater.js
//	sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// Blank lines and lines starting with # are ignored.
func ParseSuppressions(r io.Reader) (*Suppressions, error) {
	s := &Suppressions{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var sup Suppression
		for _, field := range strings.Fields(line) {
			key, val, ok := strings.Cut(field, ":")
			if !ok || val == "" {
				return nil, fmt.Errorf("line %d: %q is not key:value", n, field)
			}
			switch key {
			case "rule":
				sup.Rule = val
			case "path":
				sup.Path = val
			case "sha256":
				sup.Hash = strings.ToLower(val)
			default:
				return nil, fmt.Errorf("line %d: unknown key %q (want rule, path or sha256)", n, key)
			}
		}
		s.List = append(s.List, sup)
	}
	return s, sc.Err()
}

func (s *Suppressions) skipsFile(f *report.File) bool {
	if s == nil {
		return false
	}
	for _, sup := range s.List {
		if sup.Rule == "" && sup.Hash != "" && sup.Hash == f.SHA256 && (sup.Path == "" || globMatch(sup.Path, f.Path)) {
			return true
		}
	}
	return false
}

func (s *Suppressions) skipsFinding(f *report.File, fd report.Finding) bool {
	if s == nil {
		return false
	}
	for _, sup := range s.List {
		if sup.Rule == "" && sup.Path == "" {
			continue
		}
		if sup.Rule != "" && sup.Rule != fd.Rule && !(strings.HasSuffix(sup.Rule, ".") && strings.HasPrefix(fd.Rule, sup.Rule)) {
			continue
		}
		if sup.Path != "" && !globMatch(sup.Path, f.Path) {
			continue
		}
		if sup.Hash != "" && sup.Hash != f.SHA256 {
			continue
		}
		return true
	}
	return false
}

// globMatch matches name against a glob in which * matches any run of
// characters, path separators included, and ? any one character.
func globMatch(glob, name string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(name)
}
