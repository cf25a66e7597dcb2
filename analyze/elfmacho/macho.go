package elfmacho

import (
	"bytes"
	"debug/macho"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Mach-O load command for the code signature (not in debug/macho).
const lcCodeSignature macho.LoadCmd = 0x1d

// maxArches bounds the slices of a universal (fat) binary.
const maxArches = 8

// MachO reads Mach-O executables and libraries, thin or universal (kind
// analyze.MachO).
type MachO struct{}

// Name implements analyze.Analyzer.
func (MachO) Name() string { return "macho" }

// Rules implements analyze.Analyzer.
func (MachO) Rules() []report.Rule {
	return append(rulesFor("macho", "Mach-O"), report.Rule{ID: "macho." + Unsigned, Level: report.Low,
		Summary: "no code signature", Help: "The binary has no LC_CODE_SIGNATURE; macOS on Apple silicon refuses to run it as is, so it was either signed elsewhere or is not meant for a normal install."})
}

// Analyze implements analyze.Analyzer.
func (MachO) Analyze(f *analyze.File) (out []report.Finding) {
	if f.Kind != analyze.MachO {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			out = []report.Finding{malformed("macho", fmt.Sprint(r))}
		}
	}()
	n, signed, err := readMachO(f.Data)
	if err != nil {
		return []report.Finding{malformed("macho", err.Error())}
	}
	out = n.findings()
	if !signed {
		out = append(out, report.Finding{Rule: "macho." + Unsigned, Level: report.Low,
			Message: "no LC_CODE_SIGNATURE load command", Match: "unsigned"})
	}
	report.SortFindings(out)
	return out
}

// readMachO reads a thin Mach-O, or every slice of a universal binary
// (whose magic, 0xcafebabe, Sniff does not claim: it is also Java's).
func readMachO(data []byte) (*native, bool, error) {
	if ff, err := macho.NewFatFile(bytes.NewReader(data)); err == nil {
		if len(ff.Arches) > maxArches {
			return nil, false, fmt.Errorf("%d architectures", len(ff.Arches))
		}
		all := &native{prefix: "macho", data: data}
		signed := true
		for _, a := range ff.Arches {
			n, s := fromMachO(a.File, data)
			all.imports = append(all.imports, n.imports...)
			all.libs = append(all.libs, n.libs...)
			all.wx = append(all.wx, n.wx...)
			signed = signed && s
		}
		all.imports = dedupeSorted(all.imports)
		return all, signed, nil
	}
	f, err := macho.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	n, signed := fromMachO(f, data)
	return n, signed, nil
}

func fromMachO(f *macho.File, data []byte) (*native, bool) {
	n := &native{prefix: "macho", data: data}
	signed := false
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) >= 4 && macho.LoadCmd(f.ByteOrder.Uint32(raw)) == lcCodeSignature {
			signed = true
		}
		if seg, ok := l.(*macho.Segment); ok && seg.Prot&6 == 6 { // VM_PROT_WRITE|VM_PROT_EXECUTE
			n.wx = append(n.wx, seg.Name)
		}
	}
	if syms, err := f.ImportedSymbols(); err == nil {
		for _, s := range syms {
			n.imports = append(n.imports, strings.TrimPrefix(s, "_"))
		}
	}
	n.imports = dedupeSorted(n.imports)
	n.libs, _ = f.ImportedLibraries()
	if bytes.Contains(data, []byte("UPX!")) {
		n.packed = "UPX!"
	}
	return n, signed
}
