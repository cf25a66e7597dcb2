package pe

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// AnalyzeRelease implements analyze.ReleaseAnalyzer: it compares the
// signers, versions, code and imports of the PE images in a release with
// each other and, in a diff, with the same paths in the old release.
// With old == nil only the checks within the new release apply.
func (Analyzer) AnalyzeRelease(old, new []analyze.FileFacts) []analyze.Located {
	var oldBy map[string]*analyze.FileFacts
	if old != nil {
		oldBy = map[string]*analyze.FileFacts{}
		for i := range old {
			oldBy[old[i].Rel] = &old[i]
		}
	}
	var pes []*analyze.FileFacts
	for i := range new {
		if new[i].Kind == analyze.PE && new[i].Facts[FactSigned] != "" {
			pes = append(pes, &new[i])
		}
	}
	sort.Slice(pes, func(i, j int) bool { return pes[i].Path < pes[j].Path })
	signers := map[string]int{}
	for _, f := range pes {
		if s := f.Facts[FactSubject]; s != "" {
			signers[s]++
		}
	}
	oldSigned := false
	for _, f := range old {
		oldSigned = oldSigned || f.Facts[FactSigned] == "yes"
	}

	var out []analyze.Located
	add := func(f *analyze.FileFacts, rule string, level report.Level, msg, match string) {
		out = append(out, analyze.Located{Path: f.Path, Finding: report.Finding{
			Rule: rule, Level: level, Message: msg, Match: report.Snippet(match)}})
	}
	for _, f := range pes {
		o := &analyze.FileFacts{} // an empty copy when there is no old one
		if old := oldBy[f.Rel]; old != nil {
			o = old
		}
		added := old != nil && oldBy[f.Rel] == nil
		subject := f.Facts[FactSubject]
		if oldBy[f.Rel] != nil {
			driftChecks(f, o, add)
		}
		switch {
		case subject != "" && signers[subject] == 1 && len(signers) > 1 && (added || old == nil || o.Facts[FactSubject] == ""):
			level := report.High
			if old == nil {
				level = report.Medium
			}
			add(f, RuleStrangerSigner, level,
				fmt.Sprintf("signed by %q, who signs no other binary in this release (others are signed by %s)", subject, others(signers, subject)),
				subject)
		case subject == "" && added && (oldSigned || len(signers) > 0):
			add(f, RuleUnsignedAdded, report.Medium,
				"a new unsigned binary in a release whose binaries are signed", "unsigned "+path.Base(f.Rel))
		}
	}
	out = append(out, lookalikes(oldBy, new)...)
	out = append(out, nativeAdded(old, new)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Finding.Rule < out[j].Finding.Rule
	})
	return out
}

// driftChecks compares one image with its copy in the old release.
func driftChecks(f, o *analyze.FileFacts, add func(*analyze.FileFacts, string, report.Level, string, string)) {
	ns, os := f.Facts[FactSubject], o.Facts[FactSubject]
	switch {
	case os != "" && ns != "" && os != ns:
		add(f, RuleSignerChanged, report.High,
			fmt.Sprintf("signed by %q; the previous release's copy was signed by %q", ns, os), os+" -> "+ns)
	case os != "" && ns == "":
		add(f, RuleSignerChanged, report.Medium,
			fmt.Sprintf("no longer signed; the previous release's copy was signed by %q", os), os+" -> unsigned")
	case os != "" && f.Facts[FactThumb] != o.Facts[FactThumb]:
		add(f, RuleCertRenewed, report.Low,
			fmt.Sprintf("still signed by %q but with another certificate", ns), f.Facts[FactThumb])
	}
	fv, pv := f.Facts[FactVersion+"FileVersion"], f.Facts[FactVersion+"ProductVersion"]
	if fv != "" && fv == o.Facts[FactVersion+"FileVersion"] && pv == o.Facts[FactVersion+"ProductVersion"] &&
		f.Facts[FactCodeHash] != o.Facts[FactCodeHash] {
		add(f, RuleSameVersion, report.Medium,
			fmt.Sprintf("the code changed but the version resource still says %s (product %s)", fv, pv), "version "+fv)
	}
	gained, level := gainedCapabilities(o.Facts[FactImports], f.Facts[FactImports])
	if level > report.None {
		add(f, RuleCapabilityGained, level,
			"new imports since the previous release: "+strings.Join(gained, ", "), strings.Join(gained, ", "))
	}
}

// gainedCapabilities returns the risky imports new has and old had not,
// and the level of the change: high when the image gains network access
// while able to make memory executable, inject or start processes (or
// gains injection while networked), medium for any other risky gain.
func gainedCapabilities(old, new string) ([]string, report.Level) {
	before := capabilities(strings.Split(old, "\n"))
	after := capabilities(strings.Split(new, "\n"))
	had := map[string]bool{}
	for _, imps := range before {
		for _, imp := range imps {
			had[imp] = true
		}
	}
	var gained []string
	var gainedCap [numCaps]bool
	for c, imps := range after {
		for _, imp := range imps {
			if !had[imp] && (capability(c) != capMemory || strings.Contains(imp, "Alloc")) {
				gained = append(gained, imp)
				gainedCap[c] = true
			}
		}
	}
	sort.Strings(gained)
	hasAlloc := false
	for _, imp := range after[capMemory] {
		hasAlloc = hasAlloc || strings.Contains(imp, "Alloc")
	}
	net := len(after[capNetwork]) > 0
	switch {
	case len(gained) == 0:
		return nil, report.None
	case gainedCap[capNetwork] && len(before[capNetwork]) == 0 && (hasAlloc || len(after[capInject]) > 0 || len(after[capExec]) > 0),
		gainedCap[capInject] && net:
		return gained, report.High
	case gainedCap[capNetwork] || gainedCap[capDownload] || gainedCap[capInject]:
		return gained, report.Medium
	}
	return gained, report.Low
}

func others(signers map[string]int, not string) string {
	var names []string
	for s := range signers {
		if s != not {
			names = append(names, fmt.Sprintf("%q", s))
		}
	}
	sort.Strings(names)
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	return strings.Join(names, ", ")
}

// isNative reports whether k is a native executable kind.
func isNative(k analyze.Kind) bool {
	return k == analyze.PE || k == analyze.ELF || k == analyze.MachO
}

// nativeAdded reports the executables of a release whose previous version
// shipped none: a pure-Python wheel or a JavaScript package that starts
// carrying a compiled helper (the torchtriton pattern).
func nativeAdded(old, new []analyze.FileFacts) []analyze.Located {
	if old == nil {
		return nil
	}
	for _, f := range old {
		if isNative(f.Kind) {
			return nil
		}
	}
	var out []analyze.Located
	for _, f := range new {
		if isNative(f.Kind) {
			out = append(out, analyze.Located{Path: f.Path, Finding: report.Finding{
				Rule: RuleNativeAdded, Level: report.Medium,
				Message: fmt.Sprintf("a %s executable in a release whose previous version shipped no native code", f.Kind),
				Match:   report.Snippet("native " + string(f.Kind) + " " + path.Base(f.Rel))}})
		}
	}
	return out
}
