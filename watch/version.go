package watch

import (
	"regexp"
	"strconv"
	"strings"
)

// versionRE finds a version in a file name: dotted numbers with an
// optional pre-release tail ("10.0.72", "2.1.0-rc.1", "1.4b2").
var versionRE = regexp.MustCompile(`\d+(?:\.\d+)+(?:[-_.]?(?:alpha|beta|rc|pre|a|b)\.?\d*)?`)

// versionFrom takes the version out of a file name. A source's own
// regexp wins; its first group, if it has one, is the version.
func versionFrom(name string, re *regexp.Regexp) string {
	if re != nil {
		m := re.FindStringSubmatch(name)
		switch {
		case len(m) > 1:
			return m[1]
		case len(m) == 1:
			return m[0]
		}
		return ""
	}
	return versionRE.FindString(name)
}

// compareVersions orders versions naturally: runs of digits compare as
// numbers, anything else as text. It needs no version scheme, which
// index pages and PyPI do not promise.
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(strings.TrimLeft(a[:da], "0")+"0", 10, 64)
			nb, _ := strconv.ParseUint(strings.TrimLeft(b[:db], "0")+"0", 10, 64)
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && n < 18 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
