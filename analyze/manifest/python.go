package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// headers reads the email-style header block of METADATA or PKG-INFO,
// keys lower-cased, values in order. The body after the first blank line
// (the long description) is not read.
func headers(b []byte) map[string][]string {
	h := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	last := ""
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			continue // a folded continuation of the previous value
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = strings.ToLower(strings.TrimSpace(k))
		h[last] = append(h[last], strings.TrimSpace(v))
	}
	return h
}

var tomlKey = regexp.MustCompile(`^\s*(name|version)\s*=\s*["']([^"']*)["']`)

// pyprojectNameVersion reads name and version from the [project] table of
// pyproject.toml, or from [tool.poetry] when there is no [project].
func pyprojectNameVersion(b []byte) (name, version string) {
	found := map[string]map[string]string{}
	table := ""
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			table = strings.Trim(t, "[] ")
			continue
		}
		if m := tomlKey.FindStringSubmatch(line); m != nil && (table == "project" || table == "tool.poetry") {
			if found[table] == nil {
				found[table] = map[string]string{}
			}
			found[table][m[1]] = m[2]
		}
	}
	for _, t := range []string{"project", "tool.poetry"} {
		if found[t] != nil {
			return found[t]["name"], found[t]["version"]
		}
	}
	return "", ""
}

var cmdclass = regexp.MustCompile(`\bcmdclass\s*[=:]\s*(\{[^}]{0,300}\}?|[A-Za-z_][\w.]*)`)

// cmdclassOf returns the cmdclass expressions of a setup.py, outside
// comments.
func cmdclassOf(b []byte) [][]int {
	var out [][]int
	for _, m := range cmdclass.FindAllIndex(b, 20) {
		ls := bytes.LastIndexByte(b[:m[0]], '\n') + 1
		if bytes.HasPrefix(bytes.TrimLeft(b[ls:m[0]], " \t"), []byte("#")) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func analyzeSetup(b []byte) []report.Finding {
	lines := newLines(b)
	var out []report.Finding
	for _, m := range cmdclassOf(b) {
		out = append(out, lines.finding(RuleCmdclass, report.Medium,
			"setup.py replaces setuptools commands with its own code, which runs at install", m[0], string(b[m[0]:m[1]])))
	}
	return out
}

func diffSetup(oldB, newB []byte) []report.Finding {
	if len(cmdclassOf(oldB)) > 0 {
		return nil
	}
	lines := newLines(newB)
	var out []report.Finding
	for _, m := range cmdclassOf(newB) {
		out = append(out, lines.finding(RuleCmdclassAdded, report.High,
			"this release adds setuptools command overrides to setup.py: code that runs at install", m[0], string(newB[m[0]:m[1]])))
	}
	return out
}

// diffMetadata reports requirements a Python release gains.
func diffMetadata(oldB, newB []byte) []report.Finding {
	o, n := headers(oldB), headers(newB)
	had := set(o["requires-dist"])
	lines := newLines(newB)
	var out []report.Finding
	for _, r := range n["requires-dist"] {
		if had[r] {
			continue
		}
		off := bytes.Index(newB, []byte(r))
		if strings.Contains(r, " @ ") || strings.Contains(r, "://") {
			out = append(out, lines.finding(RuleDepRemote, report.Medium, fmt.Sprintf("requirement %s comes from a URL, outside the index", r), off, r))
			continue
		}
		out = append(out, lines.finding(RuleDepAdded, report.Low, fmt.Sprintf("new or changed requirement %s", r), off, r))
	}
	return out
}

// analyzeEntryPoints lists the commands a wheel installs.
func analyzeEntryPoints(b []byte) []report.Finding {
	lines := newLines(b)
	var out []report.Finding
	section := ""
	off := 0
	for _, line := range strings.SplitAfter(string(b), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "["):
			section = strings.Trim(t, "[] ")
		case t != "" && !strings.HasPrefix(t, "#") && (section == "console_scripts" || section == "gui_scripts"):
			out = append(out, lines.finding(RuleEntryPoint, report.Low,
				fmt.Sprintf("installs the command %s", strings.TrimSpace(strings.SplitN(t, "=", 2)[0])), off, t))
		}
		off += len(line)
	}
	return out
}
