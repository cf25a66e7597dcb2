package pe

import (
	"fmt"
	"strings"

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
	if f, ok := gained(oldMD.Refs, newMD.Refs); ok {
		out = append(out, f)
	}
	report.SortFindings(out)
	return out
}

// refClasses sort framework members into the capabilities a backdoor
// combines, by prefix of "Namespace.Type::Member".
var refClasses = []struct{ class, prefix string }{
	{"network", "System.Net.WebClient::"}, {"network", "System.Net.WebRequest::"},
	{"network", "System.Net.HttpWebRequest::"}, {"network", "System.Net.Http."},
	{"network", "System.Net.Sockets."}, {"network", "System.Net.Dns::"},
	{"process", "System.Diagnostics.Process::Start"}, {"process", "System.Diagnostics.ProcessStartInfo::"},
	{"load", "System.Reflection.Assembly::Load"}, {"load", "System.AppDomain::Load"},
	{"load", "System.Runtime.InteropServices.Marshal::GetDelegateForFunctionPointer"},
	{"decode", "System.Convert::FromBase64String"}, {"decode", "System.IO.Compression."},
	{"decode", "System.Security.Cryptography."},
}

func classesOf(refs []string) map[string]string {
	out := map[string]string{}
	for _, r := range refs {
		for _, c := range refClasses {
			if strings.HasPrefix(r, c.prefix) && out[c.class] == "" {
				out[c.class] = r
			}
		}
	}
	return out
}

// gained reports an assembly that newly references the network together
// with starting processes or loading code: what an injected class such as
// SUNBURST adds to an assembly that did neither.
func gained(oldRefs, newRefs []string) (report.Finding, bool) {
	had, has := classesOf(oldRefs), classesOf(newRefs)
	fresh := func(c string) string {
		if had[c] == "" {
			return has[c]
		}
		return ""
	}
	net, run := fresh("network"), fresh("process")
	if run == "" {
		run = fresh("load")
	}
	if net == "" || run == "" {
		return report.Finding{}, false
	}
	level, msg := report.Medium, fmt.Sprintf("this version newly references the network (%s) and %s", net, run)
	if dec := fresh("decode"); dec != "" {
		level, msg = report.High, msg+fmt.Sprintf(", and decodes or decrypts data (%s)", dec)
	}
	return report.Finding{Rule: RuleDotnetGained, Level: level, Offset: -1,
		Message: msg + ": capabilities the previous release did not have",
		Match:   report.Snippet(net + " + " + run)}, true
}

func metadataOf(data []byte) *metadata {
	img, err := parse(data)
	if err != nil {
		return nil
	}
	md, _ := img.readMetadata()
	return md
}
