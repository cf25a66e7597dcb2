package vigil

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/vigilsec/vigil/analyze"
	analyzers "github.com/vigilsec/vigil/analyze/all"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/textdiff"
	"github.com/vigilsec/vigil/walk"
)

// Rule IDs of findings about the change itself rather than one file's code.
const (
	ruleSameVersion = "diff.same-version-new-bytes"
	ruleSameName    = "diff.same-name-new-bytes"
	ruleInjected    = "diff.injected-capability"
)

func diffRules() []report.Rule {
	return []report.Rule{
		{ID: ruleSameVersion, Level: report.High, Summary: "same version, different bytes", Help: "The new release carries the same version as the old one (in its file name or its package manifest) but its content changed. Vendors bump the version for every real release; silently replaced bytes under an unchanged version are how a hijacked download page or a re-pointed tag looks."},
		{ID: ruleSameName, Level: report.Medium, Summary: "same artifact name, different bytes", Help: "Both releases are files of the same name with different content and no version in the name to tell them apart."},
		{ID: ruleInjected, Level: report.High, Summary: "new capability injected into an otherwise unchanged file", Help: "A file gained a few lines and lost none, and those lines bring a capability the file did not have. That is the shape of an injected backdoor; an honest change usually touches the code around it too."},
	}
}

// injectedMaxLines is the most lines a change may add and still count as
// an injection into an unchanged file.
const injectedMaxLines = 3

// injectedMinLines is the least an old file must have for its unchanged
// rest to mean something.
const injectedMinLines = 20

// node is one file of either release, with its bytes while they may be
// needed.
type node = walk.Node

// Diff reports what the release at newPath adds to the one at oldPath,
// weighted by risk. Files whose bytes did not change are never analysed;
// the rest are paired by path, then by content, then by name with the
// version left out.
func Diff(ctx context.Context, oldPath, newPath string, opt Options) (*report.Report, error) {
	old, err := collect(ctx, oldPath, opt, nil)
	if err != nil {
		return nil, fmt.Errorf("old release: %w", err)
	}
	oldByRel := map[string]*node{}
	for _, n := range old.nodes {
		oldByRel[n.Rel] = n
	}
	matched := map[string]bool{}
	var skipped []string // containers identical in both: everything under them matches
	descend := func(n *node) bool {
		if o := oldByRel[n.Rel]; o != nil && o.SHA256 == n.SHA256 {
			skipped = append(skipped, n.Rel+walk.Sep)
			return false
		}
		return true
	}
	cur, err := collect(ctx, newPath, opt, descend)
	if err != nil {
		return nil, fmt.Errorf("new release: %w", err)
	}
	for _, o := range old.nodes {
		for _, prefix := range skipped {
			if strings.HasPrefix(o.Rel, prefix) {
				matched[o.Rel] = true
			}
		}
	}

	var pairs []pair
	var unchanged []*node
	var pending []*node
	for _, n := range cur.nodes {
		if o := oldByRel[n.Rel]; o != nil && !matched[o.Rel] {
			matched[o.Rel] = true
			if o.SHA256 == n.SHA256 {
				unchanged = append(unchanged, n)
				continue
			}
			pairs = append(pairs, pair{old: o, new: n})
			continue
		}
		pending = append(pending, n)
	}
	pending = pairBy(pending, old.nodes, matched, func(n *node) string { return n.SHA256 }, func(o, n *node) {
		unchanged = append(unchanged, n)
	})
	pending = pairBy(pending, old.nodes, matched, func(n *node) string { return identity(n.Rel) }, func(o, n *node) {
		pairs = append(pairs, pair{old: o, new: n})
	})
	var removed []*node
	for _, o := range old.nodes {
		if !matched[o.Rel] {
			removed = append(removed, o)
		}
	}

	set := newFileSet()
	known := map[string]bool{}
	for _, p := range old.problems {
		known[identity(p.Rel)+"\x00"+p.Finding.Key()] = true
	}
	for _, p := range cur.problems {
		fd := p.Finding
		fd.New = !known[identity(p.Rel)+"\x00"+fd.Key()]
		set.add(p.Path, nil, fd)
	}
	oldFacts, newFacts := judge(pairs, pending, unchanged, set, opt)
	for _, o := range removed {
		f := set.file(o.Path, nil)
		f.Status, f.Size, f.SHA256 = report.Removed, o.Size, o.SHA256
	}
	for _, l := range releaseFindings(oldFacts, newFacts) {
		set.add(l.Path, nil, asNew(l.Finding))
	}
	sameVersion(oldPath, newPath, cur, pairs, pending, unchanged, set)

	r := &report.Report{Mode: "diff", Base: oldPath, Target: newPath, Files: set.list(opt.Suppress)}
	r.Summary = report.Summary{
		Files: len(cur.nodes), Added: len(pending), Changed: len(pairs), Removed: len(removed), Unchanged: len(unchanged),
	}
	r.Finish()
	return r, nil
}

// release is one side of a diff as walked.
type release struct {
	nodes    []*node
	problems []walk.Problem
}

func collect(ctx context.Context, path string, opt Options, descend func(*node) bool) (*release, error) {
	w := newWalker(opt)
	r := &release{}
	w.Visit = func(n *node) { r.nodes = append(r.nodes, n) }
	w.Problem = func(p walk.Problem) { r.problems = append(r.problems, p) }
	w.Descend = descend
	err := w.Walk(ctx, path)
	return r, err
}

type pair struct{ old, new *node }

// pairBy pairs each pending new file with an unmatched old file of the
// same key, calling found for each pair, and returns the rest. Keys that
// several old files share pair in path order.
func pairBy(pending []*node, old []*node, matched map[string]bool, key func(*node) string, found func(o, n *node)) []*node {
	byKey := map[string][]*node{}
	for _, o := range old {
		if !matched[o.Rel] {
			k := key(o)
			byKey[k] = append(byKey[k], o)
		}
	}
	var rest []*node
	for _, n := range pending {
		cands := byKey[key(n)]
		for len(cands) > 0 && matched[cands[0].Rel] {
			cands = cands[1:]
		}
		if len(cands) == 0 {
			rest = append(rest, n)
			continue
		}
		matched[cands[0].Rel] = true
		byKey[key(n)] = cands[1:]
		found(cands[0], n)
	}
	return rest
}

// versionToken matches the version part of a file or directory name:
// 1.2, v10.0.72, 2.4.0-beta.1, @v1.10.1.
var versionToken = regexp.MustCompile(`v?\d+(\.\d+)+([-+][0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?`)

// identity is a path with version numbers left out, so that
// lodash-4.17.20/x.js pairs with lodash-4.17.21/x.js.
func identity(rel string) string { return versionToken.ReplaceAllString(rel, "*") }

func asNew(f report.Finding) report.Finding {
	f.New = true
	return f
}

// judge analyses changed and added files in parallel, fills the report
// entries and returns the facts of both releases for release-wide checks.
func judge(pairs []pair, added, unchanged []*node, set *fileSet, opt Options) (oldFacts, newFacts []analyze.FileFacts) {
	type job struct {
		old, new *node
		oa, na   analyzed
	}
	jobs := make([]*job, 0, len(pairs)+len(added)+len(unchanged))
	for _, p := range pairs {
		jobs = append(jobs, &job{old: p.old, new: p.new})
	}
	for _, n := range added {
		jobs = append(jobs, &job{new: n})
	}
	nChanged := len(jobs)
	// Unchanged files are not analysed, but release-wide checks need
	// what they hold: the vendor's own domains and signers.
	for _, n := range unchanged {
		jobs = append(jobs, &job{new: n})
	}
	timeout := opt.limits().FileTimeout
	p := newPool(opt.workers())
	var mu sync.Mutex
	done := 0
	for i, j := range jobs {
		j, factsOnly := j, i >= nChanged
		p.run(func() {
			if factsOnly {
				j.na = recordFacts(j.new)
			} else {
				j.na = analyzeNode(j.new, timeout)
				if j.old != nil {
					j.oa = analyzeNode(j.old, timeout)
				}
			}
			if opt.Progress != nil {
				mu.Lock()
				done++
				opt.Progress(done)
				mu.Unlock()
			}
		})
	}
	p.wait()

	for i, j := range jobs {
		nf := analyze.FileFacts{Path: j.new.Path, Rel: j.new.Rel, SHA256: j.new.SHA256, Kind: j.na.kind, Facts: j.na.facts}
		newFacts = append(newFacts, nf)
		if i >= nChanged {
			of := nf
			of.Path, of.SHA256 = "", nf.SHA256
			oldFacts = append(oldFacts, of)
			continue
		}
		s := &scanned{path: j.new.Path, rel: j.new.Rel, size: j.new.Size, sha256: j.new.SHA256, kind: kindOf(j.new, j.na.kind)}
		f := set.file(j.new.Path, s)
		if j.old == nil {
			f.Status = report.Added
			for _, fd := range j.na.findings {
				fd.New, fd.Added = true, fd.Line > 0
				f.Findings = append(f.Findings, fd)
			}
			continue
		}
		oldFacts = append(oldFacts, analyze.FileFacts{Path: j.old.Path, Rel: j.old.Rel, SHA256: j.old.SHA256, Kind: j.oa.kind, Facts: j.oa.facts})
		f.Status = report.Changed
		if j.old.Rel != j.new.Rel {
			f.OldPath = j.old.Path
		}
		f.Findings = append(f.Findings, compare(j.old, j.new, j.oa, j.na, f)...)
	}
	return oldFacts, newFacts
}

// compare classifies the new file's findings against the old file's and
// adds what the Differ analyzers say about the pair.
func compare(o, n *node, oa, na analyzed, f *report.File) []report.Finding {
	known := map[string]bool{}
	for _, fd := range oa.findings {
		known[fd.Key()] = true
	}
	var added map[int]bool
	injected := false
	if na.kind.IsText() && oa.kind.IsText() {
		d := textdiff.Lines(o.Data, n.Data)
		f.AddedLines, f.RemovedLines = len(d.Added), d.Removed
		added = d.AddedSet()
		injected = d.Removed == 0 && len(d.Added) > 0 && len(d.Added) <= injectedMaxLines &&
			strings.Count(string(o.Data), "\n") >= injectedMinLines
	}
	var out []report.Finding
	for _, fd := range na.findings {
		fd.New = !known[fd.Key()]
		fd.Added = added[fd.Line]
		if injected && fd.New && fd.Added && fd.Level >= report.Medium && fd.Level < report.High {
			out = append(out, report.Finding{
				Rule: ruleInjected, Level: fd.Level.Raise(1), New: true, Added: true,
				Line: fd.Line, Column: fd.Column, Offset: fd.Offset, Match: fd.Match,
				Message: fmt.Sprintf("%d line(s) added to an otherwise unchanged file bring a new capability: %s", len(added), fd.Message),
			})
		}
		out = append(out, fd)
	}
	of := &analyze.File{Path: o.Path, Data: o.Data, Size: o.Size, Kind: oa.kind}
	nf := &analyze.File{Path: n.Path, Data: n.Data, Size: n.Size, Kind: na.kind}
	for _, a := range analyzers.Analyzers() {
		if d, ok := a.(analyze.Differ); ok {
			for _, fd := range safely(a.Name(), func() []report.Finding { return d.Diff(of, nf) }) {
				fd.New = true
				fd.Added = added[fd.Line]
				out = append(out, fd)
			}
		}
	}
	return out
}

// recordFacts runs only the fact recorders: what release-wide checks need
// of a file whose bytes did not change.
func recordFacts(n *node) analyzed {
	f := &analyze.File{Path: n.Path, Data: n.Data, Size: n.Size, Kind: analyze.Sniff(n.Path, n.Data)}
	out := analyzed{kind: f.Kind, facts: map[string]string{}}
	for _, a := range analyzers.Analyzers() {
		if r, ok := a.(analyze.FactRecorder); ok {
			safely(a.Name(), func() []report.Finding { r.Record(f, out.facts); return nil })
		}
	}
	return out
}

// manifestNames are files that state a release's version.
var manifestNames = map[string]bool{"package.json": true, "METADATA": true, "PKG-INFO": true, "pyproject.toml": true}

// sameVersion reports a release whose content changed under an unchanged
// version: the root artifact keeps a versioned name, or the release's
// top-level manifest is byte-identical while other files changed.
func sameVersion(oldPath, newPath string, cur *release, pairs []pair, added, unchanged []*node, set *fileSet) {
	if len(pairs) == 0 && len(added) == 0 {
		return
	}
	oldName, newName := filepath.Base(oldPath), filepath.Base(newPath)
	if len(cur.nodes) > 0 && cur.nodes[0].Rel == "" && oldName == newName {
		root := cur.nodes[0]
		rule, level, msg := ruleSameName, report.Medium, fmt.Sprintf("%s has the same name in both releases but different bytes", newName)
		if v := versionToken.FindString(newName); v != "" {
			rule, level, msg = ruleSameVersion, report.High, fmt.Sprintf("%s keeps version %s but its bytes changed", newName, v)
		}
		set.add(root.Path, &scanned{path: root.Path, size: root.Size, sha256: root.SHA256}, report.Finding{
			Rule: rule, Level: level, New: true, Message: msg, Match: newName, Offset: -1,
		})
		return
	}
	var top *node
	for _, n := range unchanged {
		base := n.Rel[strings.LastIndex(n.Rel, "/")+1:]
		if !manifestNames[base] {
			continue
		}
		if top == nil || strings.Count(n.Rel, "/") < strings.Count(top.Rel, "/") {
			top = n
		}
	}
	if top == nil {
		return
	}
	for _, p := range pairs {
		if strings.Count(p.new.Rel, "/") < strings.Count(top.Rel, "/") && manifestNames[filepath.Base(p.new.Rel)] {
			return // a shallower manifest changed: the version may have moved
		}
	}
	names := make([]string, 0, len(pairs))
	for _, p := range pairs {
		names = append(names, p.new.Rel)
	}
	sort.Strings(names)
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	set.add(top.Path, &scanned{path: top.Path, size: top.Size, sha256: top.SHA256}, report.Finding{
		Rule: ruleSameVersion, Level: report.High, New: true, Offset: -1, Match: filepath.Base(top.Rel),
		Message: fmt.Sprintf("the package manifest is byte-identical, so the version did not change, yet %d file(s) changed: %s", len(pairs)+len(added), strings.Join(names, ", ")),
	})
}
