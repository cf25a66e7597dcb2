package pe

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// lookalikes finds binaries whose names imitate another binary in the
// same directory of the release: one letter inserted, deleted, changed or
// swapped (fffmpeg.exe beside ffmpeg.exe), or letters that read alike
// (rn for m, vv for w, 0 for o, 1 for l). Edits to digits and separators
// are ignored: d3dcompiler_46.dll beside d3dcompiler_47.dll is a family,
// not an imitation. In a diff the imitator is the name new in the release
// (high); in a scan it is the one signed differently from its model
// (medium).
func lookalikes(oldBy map[string]*analyze.FileFacts, files []analyze.FileFacts) []analyze.Located {
	byDir := map[string][]*analyze.FileFacts{}
	for i := range files {
		switch files[i].Kind {
		case analyze.PE, analyze.ELF, analyze.MachO:
			d := path.Dir(files[i].Rel)
			byDir[d] = append(byDir[d], &files[i])
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out []analyze.Located
	for _, d := range dirs {
		list := byDir[d]
		sort.Slice(list, func(i, j int) bool { return list[i].Rel < list[j].Rel })
		for _, p := range similarPairs(list) {
			a, b := p[0], p[1]
			imitator, model, level := judge(oldBy, a, b)
			if imitator == nil {
				continue
			}
			in, mn := path.Base(imitator.Rel), path.Base(model.Rel)
			out = append(out, analyze.Located{Path: imitator.Path, Finding: report.Finding{
				Rule: RuleLookalikeName, Level: level,
				Message: fmt.Sprintf("%s imitates the name of %s beside it%s", in, mn, signerNote(imitator, model)),
				Match:   report.Snippet(in + " ~ " + mn)}})
		}
	}
	return out
}

// judge decides which of a look-alike pair is the imitator.
func judge(oldBy map[string]*analyze.FileFacts, a, b *analyze.FileFacts) (imitator, model *analyze.FileFacts, l report.Level) {
	if oldBy != nil {
		_, aOld := oldBy[a.Rel]
		_, bOld := oldBy[b.Rel]
		switch {
		case aOld && !bOld:
			return b, a, report.High
		case bOld && !aOld:
			return a, b, report.High
		case aOld && bOld:
			return nil, nil, report.None // both shipped before: not news
		}
	}
	sa, sb := a.Facts[FactSubject], b.Facts[FactSubject]
	if sa == sb {
		return nil, nil, report.None // same signer (or both unsigned): a family
	}
	if len(stem(a.Rel)) > len(stem(b.Rel)) || (sb != "" && sa == "") {
		return a, b, report.Medium
	}
	return b, a, report.Medium
}

func signerNote(imitator, model *analyze.FileFacts) string {
	si, sm := imitator.Facts[FactSubject], model.Facts[FactSubject]
	switch {
	case si == sm:
		return ""
	case si == "":
		return fmt.Sprintf(", unsigned while %s is signed by %q", path.Base(model.Rel), sm)
	case sm == "":
		return fmt.Sprintf(", signed by %q", si)
	}
	return fmt.Sprintf(", signed by %q instead of %q", si, sm)
}

// similarPairs returns the pairs of files whose stems are look-alikes. It
// indexes every stem under itself and each one-letter deletion of it, so
// only names that share a key are compared: linear in the number of files.
func similarPairs(list []*analyze.FileFacts) [][2]*analyze.FileFacts {
	const maxStem = 64
	index := map[string][]int{}
	for i, f := range list {
		s := stem(f.Rel)
		if len(s) < 4 || len(s) > maxStem {
			continue
		}
		keys := map[string]bool{s: true, confusable(s): true}
		for j := range len(s) {
			keys[s[:j]+s[j+1:]] = true
		}
		for k := range keys {
			index[k] = append(index[k], i)
		}
	}
	seen := map[[2]int]bool{}
	var pairs [][2]*analyze.FileFacts
	keys := make([]string, 0, len(index))
	for k := range index {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ids := index[k]
		for x := 0; x < len(ids) && x < 32; x++ {
			for y := x + 1; y < len(ids) && y < 32; y++ {
				p := [2]int{ids[x], ids[y]}
				if seen[p] {
					continue
				}
				seen[p] = true
				if imitates(stem(list[p[0]].Rel), stem(list[p[1]].Rel)) {
					pairs = append(pairs, [2]*analyze.FileFacts{list[p[0]], list[p[1]]})
				}
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0].Rel != pairs[j][0].Rel {
			return pairs[i][0].Rel < pairs[j][0].Rel
		}
		return pairs[i][1].Rel < pairs[j][1].Rel
	})
	return pairs
}

// stem is the lower-cased base name without its extension.
func stem(rel string) string {
	b := strings.ToLower(path.Base(rel))
	return strings.TrimSuffix(b, path.Ext(b))
}

// confusables maps letter groups that read alike to one spelling,
// including the Cyrillic and Greek letters that look Latin.
var confusables = strings.NewReplacer(
	"rn", "m", "vv", "w", "cl", "d", "0", "o", "1", "l",
	"а", "a", "е", "e", "о", "o", "р", "p", "с", "c", "х", "x", "у", "y", "і", "i", "ѕ", "s", "ј", "j",
	"ԁ", "d", "ɡ", "g", "һ", "h", "ο", "o", "α", "a", "ν", "v", "ı", "i",
)

// confusable maps s to the spelling it is read as.
func confusable(s string) string { return confusables.Replace(s) }

// imitates reports whether stems a and b differ by one letter edit or a
// swap of two adjacent letters, or are the same after confusable.
func imitates(a, b string) bool {
	if a == b {
		return false
	}
	if confusable(a) == confusable(b) {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch len(b) - len(a) {
	case 0:
		if a[i+1:] == b[i+1:] { // substitution
			return letter(a[i]) && letter(b[i])
		}
		// adjacent swap
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] && letter(a[i]) && letter(a[i+1])
	case 1:
		return a[i:] == b[i+1:] && letter(b[i]) // insertion
	}
	return false
}

func letter(c byte) bool { return c >= 'a' && c <= 'z' }
