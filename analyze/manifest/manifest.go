// Package manifest analyzes the files that tell a package manager or a CI
// service what to run: package.json (lifecycle scripts, dependencies),
// Python packaging metadata (setup.py cmdclass, entry points, METADATA,
// PKG-INFO, pyproject.toml) and GitHub Actions (action.yml, workflows).
//
// Most of what matters in a manifest is change: an install hook that a
// release gains is the worm and hijacked-account shape, while one that was
// always there is usually a native build. So the manifest analyzer is also
// an analyze.Differ, and it records the package name and version as facts
// for the release checks.
package manifest

import (
	"path"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs.
const (
	RuleInstallScript  = "manifest.install-script"
	RuleHookAdded      = "manifest.install-hook-added"
	RuleHookChanged    = "manifest.install-hook-changed"
	RuleDepAdded       = "manifest.dependency-added"
	RuleDepChanged     = "manifest.dependency-changed"
	RuleDepRemote      = "manifest.dependency-remote"
	RuleBundledAdded   = "manifest.bundled-dependency-added"
	RuleEntryChanged   = "manifest.entry-changed"
	RuleFilesAdded     = "manifest.files-added"
	RuleCmdclass       = "manifest.setup-cmdclass"
	RuleCmdclassAdded  = "manifest.setup-cmdclass-added"
	RuleEntryPoint     = "manifest.entry-point"
	RuleGHAPwnRequest  = "manifest.gha-pull-request-target"
	RuleGHASecretsDump = "manifest.gha-secrets-dump"
	RuleGHASecretSent  = "manifest.gha-secret-sent"
	RuleGHAInjection   = "manifest.gha-script-injection"
	RuleGHAUnpinned    = "manifest.gha-unpinned-action"
)

// Fact keys.
const (
	FactName    = "package.name"
	FactVersion = "package.version"
)

// maxManifest bounds the bytes of a manifest that are read; real ones are
// a few kilobytes.
const maxManifest = 4 << 20

// Analyzer inspects package manifests and CI definitions.
type Analyzer struct{}

var (
	_ analyze.Analyzer     = Analyzer{}
	_ analyze.Differ       = Analyzer{}
	_ analyze.FactRecorder = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "manifest" }

// kind tells which manifest a file is, from its path.
type kind int

const (
	notManifest kind = iota
	npmPackage
	pyMetadata
	pyProject
	pySetup
	pyEntryPoints
	ghaAction
	ghaWorkflow
)

func kindOf(f *analyze.File) kind {
	p := strings.ReplaceAll(f.Path, "!/", "/")
	base := path.Base(p)
	switch {
	case base == "package.json":
		return npmPackage
	case base == "METADATA" && strings.HasSuffix(path.Dir(p), ".dist-info"), base == "PKG-INFO":
		return pyMetadata
	case base == "pyproject.toml":
		return pyProject
	case base == "setup.py":
		return pySetup
	case base == "entry_points.txt":
		return pyEntryPoints
	case base == "action.yml" || base == "action.yaml":
		return ghaAction
	case strings.Contains(p, ".github/workflows/") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")):
		return ghaWorkflow
	}
	return notManifest
}

func data(f *analyze.File) []byte {
	if len(f.Data) > maxManifest {
		return f.Data[:maxManifest]
	}
	return f.Data
}

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	var out []report.Finding
	switch kindOf(f) {
	case npmPackage:
		out = analyzeNPM(data(f))
	case pySetup:
		out = analyzeSetup(data(f))
	case pyEntryPoints:
		out = analyzeEntryPoints(data(f))
	case ghaAction, ghaWorkflow:
		out = analyzeActions(data(f))
	}
	report.SortFindings(out)
	return out
}

// Diff implements analyze.Differ.
func (Analyzer) Diff(old, new *analyze.File) []report.Finding {
	var out []report.Finding
	switch kindOf(new) {
	case npmPackage:
		out = diffNPM(data(old), data(new))
	case pySetup:
		out = diffSetup(data(old), data(new))
	case pyMetadata:
		out = diffMetadata(data(old), data(new))
	case ghaAction:
		out = diffAction(data(old), data(new))
	}
	for i := range out {
		out[i].New = true
	}
	report.SortFindings(out)
	return out
}

// Record implements analyze.FactRecorder.
func (Analyzer) Record(f *analyze.File, facts map[string]string) {
	var name, version string
	switch kindOf(f) {
	case npmPackage:
		if m, err := parseNPM(data(f)); err == nil {
			name, version = m.Name, m.Version
		}
	case pyMetadata:
		h := headers(data(f))
		name, version = first(h["name"]), first(h["version"])
	case pyProject:
		name, version = pyprojectNameVersion(data(f))
	}
	if name != "" {
		facts[FactName] = name
	}
	if version != "" {
		facts[FactVersion] = version
	}
}

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	r := func(id string, l report.Level, s, h string) report.Rule {
		return report.Rule{ID: id, Level: l, Summary: s, Help: h}
	}
	return []report.Rule{
		r(RuleInstallScript, report.Medium, "package.json runs a script on install",
			"preinstall, install, postinstall and prepare run on every machine that installs the package. Common for native addons; the script text is the evidence."),
		r(RuleHookAdded, report.High, "install hook added by this release",
			"A lifecycle script that a release gains is how hijacked packages and npm worms run (ua-parser-js, Shai-Hulud)."),
		r(RuleHookChanged, report.High, "install hook changed by this release", "The command an install runs is different from the previous release."),
		r(RuleDepAdded, report.Low, "dependency added", "A new dependency is new code from another publisher."),
		r(RuleDepChanged, report.Low, "dependency range changed", "The accepted versions of a dependency changed."),
		r(RuleDepRemote, report.Medium, "dependency fetched from outside the registry",
			"A URL, git or file: dependency installs whatever that place serves today; the registry's immutability and review do not apply."),
		r(RuleBundledAdded, report.Medium, "bundled dependency added", "bundleDependencies ship another package's code inside this one, out of the registry's view."),
		r(RuleEntryChanged, report.Low, "entry point changed", "main, bin or exports now point elsewhere."),
		r(RuleFilesAdded, report.Low, "files list gained entries", "The files the package publishes changed."),
		r(RuleCmdclass, report.Medium, "setup.py overrides a setuptools command", "cmdclass replaces install, develop or egg_info with the package's own code, which runs at install."),
		r(RuleCmdclassAdded, report.High, "setup.py command override added by this release", "An install-time hook a Python release gains is the dropper shape."),
		r(RuleEntryPoint, report.Low, "console script entry point", "A command the package installs on PATH."),
		r(RuleGHAPwnRequest, report.High, "pull_request_target checks out the pull request",
			"pull_request_target runs with the repository's secrets; checking out and building the PR's code hands them to any fork."),
		r(RuleGHASecretsDump, report.High, "all secrets serialized", "${{ toJSON(secrets) }} puts every secret of the repository in one string."),
		r(RuleGHASecretSent, report.Medium, "secret used in a network command", "A secret on a curl or wget line leaves the runner; check the endpoint."),
		r(RuleGHAInjection, report.Medium, "untrusted event text in a run step", "Issue titles, PR bodies and branch names expanded into a shell script let an outsider inject commands."),
		r(RuleGHAUnpinned, report.Low, "third-party action not pinned to a commit", "A tag can be moved to new code (tj-actions/changed-files); pin third-party actions to a full commit SHA."),
	}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
