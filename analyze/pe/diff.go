package pe

import (
	"fmt"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// maxDiffFindings bounds the new types and methods reported for one
// assembly; a rewrite is visible from the first hundred.
const maxDiffFindings = 100

// Diff implements analyze.Differ: for a .NET assembly it lists the types
// and methods the new version defines and the old one did not, each as a
// low finding whose Match is the qualified name. Listing every type in a
// scan would bury the report (framework assemblies define thousands); in a
// diff the additions are exactly what a reviewer must read, as an
// injected class is how a trojanized assembly usually shows.
func (Analyzer) Diff(old, new *analyze.File) (out []report.Finding) {
	if old.Kind != analyze.PE || new.Kind != analyze.PE {
		return nil
	}
	defer func() {
		if recover() != nil {
			out = nil // Analyze reports the damage
		}
	}()
	oldMD, newMD := metadataOf(old.Data), metadataOf(new.Data)
	if oldMD == nil || newMD == nil {
		return nil
	}
	had := map[string]bool{}
	for _, t := range oldMD.Types {
		had[t.Name] = true
		for _, m := range t.Methods {
			had[t.Name+"::"+m] = true
		}
	}
	for _, t := range newMD.Types {
		if len(out) >= maxDiffFindings {
			break
		}
		if !had[t.Name] {
			out = append(out, report.Finding{Rule: RuleDotnetType, Level: report.Low, Offset: t.Offset,
				Message: fmt.Sprintf("new type %s with %d method(s): %s", t.Name, len(t.Methods), list(t.Methods, 12)),
				Match:   report.Snippet(t.Name)})
			continue
		}
		for _, m := range t.Methods {
			if name := t.Name + "::" + m; !had[name] && len(out) < maxDiffFindings {
				out = append(out, report.Finding{Rule: RuleDotnetMethod, Level: report.Low, Offset: t.Offset,
					Message: fmt.Sprintf("new method %s in an existing type", name),
					Match:   report.Snippet(name)})
			}
		}
	}
	report.SortFindings(out)
	return out
}

func metadataOf(data []byte) *metadata {
	img, err := parse(data)
	if err != nil {
		return nil
	}
	md, _ := img.readMetadata()
	return md
}
