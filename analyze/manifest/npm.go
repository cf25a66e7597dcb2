package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

// npmManifest is the part of package.json that decides what runs.
type npmManifest struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Main                 string            `json:"main"`
	Scripts              map[string]string `json:"scripts"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Files                []string          `json:"files"`
	Bin                  json.RawMessage   `json:"bin"`
	Bundle               json.RawMessage   `json:"bundleDependencies"`
	Bundled              json.RawMessage   `json:"bundledDependencies"`
	raw                  []byte
}

// lifecycle lists the scripts npm runs on install, in the order it runs
// them (prepare also runs for git and local installs).
var lifecycle = []string{"preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare",
	"preuninstall", "uninstall", "postuninstall"}

// onInstall are the hooks that run when a consumer installs the package
// from a registry; prepare runs only for git and local installs and before
// publishing, and npm 7 and later do not run uninstall scripts.
var onInstall = map[string]bool{"preinstall": true, "install": true, "postinstall": true}

// parseNPM reads package.json leniently: fields of the wrong type are
// dropped rather than failing the whole file.
func parseNPM(b []byte) (*npmManifest, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	m := &npmManifest{raw: b}
	get := func(key string, v any) {
		if r, ok := fields[key]; ok {
			_ = json.Unmarshal(r, v)
		}
	}
	get("name", &m.Name)
	get("version", &m.Version)
	get("main", &m.Main)
	get("scripts", &m.Scripts)
	get("dependencies", &m.Dependencies)
	get("optionalDependencies", &m.OptionalDependencies)
	get("files", &m.Files)
	m.Bin = fields["bin"]
	m.Bundle = fields["bundleDependencies"]
	m.Bundled = fields["bundledDependencies"]
	return m, nil
}

// where returns the byte offset of key's first appearance as a JSON key
// after the key section (or anywhere, if section is ""), or 0.
func (m *npmManifest) where(section, key string) int {
	start := 0
	if section != "" {
		if i := bytes.Index(m.raw, []byte(strconv.Quote(section))); i >= 0 {
			start = i
		}
	}
	if i := bytes.Index(m.raw[start:], []byte(strconv.Quote(key))); i >= 0 {
		return start + i
	}
	return 0
}

// hookMatch is a hook's evidence, stable across releases that keep it.
func hookMatch(name, script string) string {
	return report.Snippet(fmt.Sprintf("%q: %q", name, script))
}

func analyzeNPM(b []byte) []report.Finding {
	m, err := parseNPM(b)
	if err != nil {
		return nil
	}
	lines := newLines(b)
	var out []report.Finding
	for _, h := range lifecycle {
		script, ok := m.Scripts[h]
		if !ok {
			continue
		}
		off := m.where("scripts", h)
		out = append(out, lines.finding(RuleInstallScript, report.Medium,
			fmt.Sprintf("package.json runs %q on %s", script, h), off, hookMatch(h, script)))
		for _, f := range shell.Inspect([]byte(script)) {
			if f.Level >= report.Medium {
				out = append(out, lines.finding(f.Rule, f.Level, "in the "+h+" script: "+f.Message, off, f.Match))
			}
		}
	}
	return out
}

func diffNPM(oldB, newB []byte) []report.Finding {
	n, err := parseNPM(newB)
	if err != nil {
		return nil
	}
	o, err := parseNPM(oldB)
	if err != nil {
		o = &npmManifest{}
	}
	lines := newLines(newB)
	var out []report.Finding
	for _, h := range lifecycle {
		script, ok := n.Scripts[h]
		if !ok {
			continue
		}
		off := n.where("scripts", h)
		lvl := report.High
		if !onInstall[h] {
			lvl = report.Medium
		}
		switch was, had := o.Scripts[h]; {
		case !had:
			out = append(out, lines.finding(RuleHookAdded, lvl,
				fmt.Sprintf("this release adds the %s script %q, which runs on every install", h, script), off, hookMatch(h, script)))
		case was != script:
			if !hookEscalates(was, script) {
				lvl = min(lvl, report.Medium)
			}
			out = append(out, lines.finding(RuleHookChanged, lvl,
				fmt.Sprintf("this release changes the %s script from %q to %q", h, was, script), off, hookMatch(h, script)))
		}
	}
	for _, sec := range []struct {
		name     string
		old, new map[string]string
	}{{"dependencies", o.Dependencies, n.Dependencies}, {"optionalDependencies", o.OptionalDependencies, n.OptionalDependencies}} {
		for _, d := range sortedKeys(sec.new) {
			v := sec.new[d]
			off := n.where(sec.name, d)
			switch was, had := sec.old[d]; {
			case was != v && remoteSpec(v):
				out = append(out, lines.finding(RuleDepRemote, report.Medium,
					fmt.Sprintf("dependency %s now comes from %s, outside the registry", d, v), off, d+"@"+v))
			case !had:
				out = append(out, lines.finding(RuleDepAdded, report.Low, fmt.Sprintf("new dependency %s %s", d, v), off, d+"@"+v))
			case was != v && !lockstep(was, v, o.Version, n.Version):
				out = append(out, lines.finding(RuleDepChanged, report.Low, fmt.Sprintf("dependency %s changes from %s to %s", d, was, v), off, d+"@"+v))
			}
		}
	}
	oldBundled := set(names(o.Bundle, o.Bundled))
	for _, d := range names(n.Bundle, n.Bundled) {
		if !oldBundled[d] {
			out = append(out, lines.finding(RuleBundledAdded, report.Medium,
				fmt.Sprintf("this release bundles %s inside the package", d), n.where("bundleDependencies", d), d))
		}
	}
	if n.Main != o.Main && o.Main != "" {
		out = append(out, lines.finding(RuleEntryChanged, report.Low,
			fmt.Sprintf("main changes from %q to %q", o.Main, n.Main), n.where("", "main"), n.Main))
	}
	if !bytes.Equal(compact(n.Bin), compact(o.Bin)) && len(o.Bin) > 0 {
		out = append(out, lines.finding(RuleEntryChanged, report.Low, "bin changes", n.where("", "bin"), string(compact(n.Bin))))
	}
	oldFiles := set(o.Files)
	for _, f := range n.Files {
		if !oldFiles[f] && len(o.Files) > 0 {
			out = append(out, lines.finding(RuleFilesAdded, report.Low,
				fmt.Sprintf("files now also publishes %q", f), n.where("files", f), f))
		}
	}
	return out
}

// names reads bundleDependencies, which is a list of names or a boolean
// (true: all dependencies).
func names(raws ...json.RawMessage) []string {
	var out []string
	for _, r := range raws {
		var list []string
		if json.Unmarshal(r, &list) == nil {
			out = append(out, list...)
			continue
		}
		var all bool
		if json.Unmarshal(r, &all) == nil && all {
			out = append(out, "(all dependencies)")
		}
	}
	return out
}

func compact(r json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, r) != nil {
		return r
	}
	return b.Bytes()
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// lockstep reports a dependency pinned to the package's own version in
// both releases, as esbuild pins its platform packages: the change is the
// version bump itself.
func lockstep(was, now, oldVersion, newVersion string) bool {
	return oldVersion != "" && was == oldVersion && now == newVersion
}

// remoteSpec reports a dependency fetched from a URL, a git host or the
// file system instead of the registry, where no one reviews what it holds.
func remoteSpec(v string) bool {
	for _, p := range []string{"http:", "https:", "git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:", "file:"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	// user/repo is a GitHub shorthand; npm:alias@range is the registry.
	return strings.Count(v, "/") == 1 && !strings.HasPrefix(v, "npm:") && !strings.HasPrefix(v, "@")
}

// scriptFile matches a file an install command runs: setup.js, ./x.sh.
var scriptFile = regexp.MustCompile(`[\w./\\-]+\.(?:js|cjs|mjs|ts|sh|py|ps1|bat|cmd|exe|vbs)\b`)

// hookEscalates reports whether a changed install hook brings something
// new to run: a file the old command did not name, a download, inline
// code, or anything the shell analyzer finds alarming. Moving from one
// build tool to another (node-pre-gyp to prebuild-install) does not.
func hookEscalates(was, script string) bool {
	for _, f := range shell.Inspect([]byte(script)) {
		if f.Level >= report.High {
			return true
		}
	}
	for _, file := range scriptFile.FindAllString(script, -1) {
		if !strings.Contains(was, file) {
			return true
		}
	}
	for _, word := range []string{"curl", "wget", "http://", "https://", "node -e", "node --eval", "eval", "base64", "powershell", "iwr", "certutil"} {
		if strings.Contains(script, word) && !strings.Contains(was, word) {
			return true
		}
	}
	return false
}
