package elfmacho

import (
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// FactImports is the fact key for the imported function names of an ELF
// or Mach-O file, one a line, sorted.
const FactImports = "native.imports"

// RuleGained is reported by AnalyzeRelease.
const RuleGained = "native.capability-gained"

// Record implements analyze.FactRecorder for both formats, so that a
// library's imports can be compared across releases.
func (ELF) Record(f *analyze.File, facts map[string]string) { record(f, facts) }

// Record implements analyze.FactRecorder.
func (MachO) Record(f *analyze.File, facts map[string]string) { record(f, facts) }

func record(f *analyze.File, facts map[string]string) {
	defer func() { recover() }() // Analyze reports the damage
	var n *native
	var err error
	switch f.Kind {
	case analyze.ELF:
		n, _, err = readELF(f.Data)
	case analyze.MachO:
		n, _, err = readMachO(f.Data)
	default:
		return
	}
	if err == nil {
		facts[FactImports] = strings.Join(n.imports, "\n")
	}
}

// AnalyzeRelease implements analyze.ReleaseAnalyzer (on ELF only, which
// judges Mach-O files too, so each file is judged once): an executable or
// library at the same path that gained network, exec, ptrace or memfd
// imports since the old release. High when it gains both network and
// process execution, the pair a backdoor needs; medium otherwise.
func (ELF) AnalyzeRelease(old, new []analyze.FileFacts) []analyze.Located {
	if old == nil {
		return nil
	}
	before := map[string]string{}
	for _, f := range old {
		if imps, ok := f.Facts[FactImports]; ok {
			before[f.Rel] = imps
		}
	}
	var out []analyze.Located
	for _, f := range new {
		imps, ok := f.Facts[FactImports]
		prev, had := before[f.Rel]
		if !ok || !had {
			continue
		}
		gained, classes := gainedImports(prev, imps)
		if len(gained) == 0 {
			continue
		}
		level := report.Medium
		if classes[cNetwork] && classes[cExec] {
			level = report.High
		}
		out = append(out, analyze.Located{Path: f.Path, Finding: report.Finding{
			Rule: RuleGained, Level: level,
			Message: "new risky imports since the previous release: " + strings.Join(gained, ", "),
			Match:   report.Snippet(strings.Join(gained, ", "))}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// gainedImports returns the classified imports of new that old lacks, and
// which classes they fall in.
func gainedImports(old, new string) ([]string, map[class]bool) {
	had := map[string]bool{}
	for _, imp := range strings.Split(old, "\n") {
		had[imp] = true
	}
	var gained []string
	classes := map[class]bool{}
	for _, imp := range strings.Split(new, "\n") {
		if c, ok := importClasses[imp]; ok && !had[imp] && c != cDynLoad {
			gained = append(gained, imp)
			classes[c] = true
		}
	}
	return gained, classes
}

// releaseRule documents RuleGained.
var releaseRule = report.Rule{ID: RuleGained, Level: report.Medium, Summary: "native code gained capabilities",
	Help: "An ELF or Mach-O file at the same path imports network, exec, ptrace or memfd functions it did not before. High when it gains both network and process execution."}
