package elfmacho

import (
	"bytes"
	"debug/elf"
	"fmt"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// maxProgs bounds the program headers and sections read from one file.
const maxProgs = 4096

// ELF reads ELF executables and libraries (kind analyze.ELF).
type ELF struct{}

// Name implements analyze.Analyzer.
func (ELF) Name() string { return "elf" }

// Rules implements analyze.Analyzer.
func (ELF) Rules() []report.Rule {
	return append(rulesFor("elf", "ELF"), releaseRule, report.Rule{ID: "elf." + Static, Level: report.Low,
		Summary: "statically linked", Help: "The program links no shared libraries, so its imports say nothing about it; only its strings do."})
}

// Analyze implements analyze.Analyzer.
func (ELF) Analyze(f *analyze.File) (out []report.Finding) {
	if f.Kind != analyze.ELF {
		return nil
	}
	defer func() {
		if r := recover(); r != nil { // debug/elf panics on some hostile headers
			out = []report.Finding{malformed("elf", fmt.Sprint(r))}
		}
	}()
	n, static, err := readELF(f.Data)
	if err != nil {
		return []report.Finding{malformed("elf", err.Error())}
	}
	out = n.findings()
	if static {
		out = append(out, report.Finding{Rule: "elf." + Static, Level: report.Low,
			Message: "statically linked: no imports to judge it by", Match: "static"})
	}
	report.SortFindings(out)
	return out
}

func malformed(prefix, why string) report.Finding {
	return report.Finding{Rule: prefix + "." + Malformed, Level: report.Low,
		Message: "the headers do not parse: " + why, Match: report.Snippet(why)}
}

func readELF(data []byte) (*native, bool, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	if len(f.Progs) > maxProgs || len(f.Sections) > maxProgs {
		return nil, false, fmt.Errorf("%d program headers, %d sections", len(f.Progs), len(f.Sections))
	}
	n := &native{prefix: "elf", data: data}
	dynamic := false
	for _, p := range f.Progs {
		switch {
		case p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC:
			dynamic = true
		case p.Type == elf.PT_LOAD && p.Flags&elf.PF_W != 0 && p.Flags&elf.PF_X != 0:
			n.wx = append(n.wx, fmt.Sprintf("PT_LOAD@0x%x", p.Off))
		}
	}
	if syms, err := f.ImportedSymbols(); err == nil {
		for _, s := range syms {
			n.imports = append(n.imports, s.Name)
		}
	}
	n.imports = dedupeSorted(n.imports)
	n.libs, _ = f.ImportedLibraries()
	if bytes.Contains(data, []byte("UPX!")) {
		n.packed = "UPX!"
	}
	return n, !dynamic && f.Type == elf.ET_EXEC, nil
}
