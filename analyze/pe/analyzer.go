// Package pe analyzes Windows PE images: imports, sections, overlay,
// version resource, Authenticode signature and .NET metadata. It records
// facts (signer, version, code hash, imports) for the release-wide checks
// in release.go, which find signature drift across a release.
package pe

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/binary"
	"github.com/vigilsec/vigil/report"
)

// Analyzer reads PE images (kind analyze.PE). It implements
// analyze.Analyzer, analyze.FactRecorder and analyze.ReleaseAnalyzer.
type Analyzer struct{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "pe" }

// smallImage is the import count below which an image is judged a small
// tool rather than an application. Loaders and reverse shells import a few
// dozen functions; applications that honestly combine networking with
// executable memory (browsers, runtimes) import hundreds.
const smallImage = 120

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) (out []report.Finding) {
	if f.Kind != analyze.PE {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			out = []report.Finding{malformed(fmt.Sprint(r))}
		}
	}()
	img, err := parse(f.Data)
	if err != nil {
		return []report.Finding{malformed(err.Error())}
	}
	out = append(out, importFindings(img)...)
	out = append(out, sectionFindings(img)...)
	if !f.Truncated() {
		out = append(out, signatureFindings(img)...)
	}
	strs := binary.Strings(img.unsigned())
	sf := binary.StringFindings("pe", strs)
	out = append(out, sf...)
	out = append(out, comboFindings(img, strs, sf)...)
	out = append(out, img.dotnetFindings()...)
	report.SortFindings(out)
	return out
}

func malformed(why string) report.Finding {
	return report.Finding{Rule: RuleMalformed, Level: report.Low, Offset: 0,
		Message: "the PE headers do not parse: " + why, Match: report.Snippet(why)}
}

// unsigned returns the image without its certificate table, so that the
// CRL and OCSP URLs of the signing certificates are not read as the
// program's own endpoints.
func (img *image) unsigned() []byte {
	if off, size := img.certTable(); size > 0 && off+size == int64(len(img.data)) {
		return img.data[:off]
	}
	return img.data
}

var capRules = [numCaps]struct {
	rule  string
	level report.Level
	what  string
}{
	capNetwork:  {RuleNetworkImports, report.Low, "network functions"},
	capDownload: {RuleDownloadImports, report.Medium, "a function that downloads a URL to a file"},
	capExec:     {RuleExecImports, report.Low, "a function that starts processes"},
	capMemory:   {RuleMemoryImports, report.Low, "a function that allocates or re-protects memory"},
	capInject:   {RuleInjectImports, report.Medium, "a function that writes into or runs code in another process"},
}

// importFindings lists each risky import; memory functions only in an
// image that also uses the network. Network DLLs are listed once
// per DLL, everything else per function; Match is "dll!Function", which
// stays the same across rebuilds.
func importFindings(img *image) []report.Finding {
	var out []report.Finding
	seenDLL := map[string]bool{}
	caps := capabilities(img.imports)
	for c, imps := range caps {
		if capability(c) == capMemory && len(caps[capNetwork]) == 0 {
			continue // every C runtime imports VirtualProtect; alone it says nothing
		}
		r := capRules[c]
		for _, imp := range imps {
			match := imp
			if capability(c) == capNetwork {
				match, _, _ = strings.Cut(imp, "!")
				if seenDLL[match] {
					continue
				}
				seenDLL[match] = true
			}
			out = append(out, report.Finding{Rule: r.rule, Level: r.level,
				Message: fmt.Sprintf("imports %s (%s)", r.what, imp),
				Offset:  img.nameOffset(imp), Match: report.Snippet(match)})
		}
	}
	return out
}

// nameOffset locates an import's function name in the file (its hint/name
// entry), or 0 when it cannot be found. The names sit in the section that
// holds the import directory, so only that section is searched.
func (img *image) nameOffset(imp string) int64 {
	_, fn, _ := strings.Cut(imp, "!")
	start, end := int64(0), int64(len(img.data))
	if off := img.offset(img.dir(dirImport).VirtualAddress); off >= 0 {
		for _, s := range img.sections {
			if so := int64(s.Offset); off >= so && off < so+int64(s.Size) {
				start, end = so, min(so+int64(s.Size), end)
			}
		}
	}
	// A hint/name entry is a 2-byte hint, then the name: match the name
	// where it is not the tail of a longer identifier.
	hay, name := img.data[start:end], []byte(fn+"\x00")
	for base := 0; ; {
		i := bytes.Index(hay[base:], name)
		if i < 0 {
			return 0
		}
		at := base + i
		if at == 0 || !identChar(hay[at-1]) {
			return start + int64(at)
		}
		base = at + 1
	}
}

func identChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// comboFindings raise the level for capabilities that together make a
// loader or a remote shell, in a small image only (see smallImage).
func comboFindings(img *image, strs []binary.String, sf []report.Finding) []report.Finding {
	caps := capabilities(img.imports)
	if len(caps[capNetwork]) == 0 || len(img.imports) >= smallImage {
		return nil
	}
	net := caps[capNetwork][0]
	var out []report.Finding
	// Injection functions count as they are; of the memory functions only
	// allocation does, since every C runtime imports VirtualProtect.
	mem := append([]string(nil), caps[capInject]...)
	for _, imp := range caps[capMemory] {
		if strings.Contains(imp, "Alloc") {
			mem = append(mem, imp)
		}
	}
	if len(mem) > 0 {
		out = append(out, report.Finding{Rule: RuleLoader, Level: report.High,
			Message: fmt.Sprintf("a small image (%d imports) that both uses the network (%s) and allocates or injects memory (%s): the shape of a shellcode loader", len(img.imports), net, strings.Join(mem, ", ")),
			Offset:  img.nameOffset(mem[0]), Match: report.Snippet(net + " + " + mem[0])})
	}
	if exec := caps[capExec]; len(exec) > 0 {
		// Terminal and admin tools share the imports; what they lack is
		// a server address written into the program.
		level := report.Medium
		for _, f := range sf {
			if f.Rule == "pe."+binary.IP || f.Rule == "pe."+binary.URL {
				level = report.High
			}
		}
		for _, s := range strs {
			if shell := shellName(s.Text); shell != "" {
				out = append(out, report.Finding{Rule: RuleRemoteShell, Level: level,
					Message: fmt.Sprintf("a small image that uses the network (%s), starts processes (%s) and names the shell %q: the shape of a reverse shell", net, exec[0], shell),
					Offset:  s.Offset, Match: report.Snippet(net + " + " + exec[0] + " + " + shell)})
				break
			}
		}
	}
	return out
}

// shellName returns the command interpreter named in s, or "".
func shellName(s string) string {
	low := strings.ToLower(s)
	for _, sh := range []string{"cmd.exe", "powershell.exe", "pwsh.exe", "/bin/sh", "/bin/bash"} {
		if strings.Contains(low, sh) {
			return sh
		}
	}
	return ""
}

// Section thresholds: packed or encrypted data scores above 7.2 bits per
// byte; compiled code stays well below. Small sections are too short for
// the estimate to mean much.
const (
	entropyHigh    = 7.2
	entropyMinSize = 4096
)

func sectionFindings(img *image) []report.Finding {
	var out []report.Finding
	for _, s := range img.sections {
		const wx = 0x80000000 | 0x20000000 // IMAGE_SCN_MEM_WRITE | IMAGE_SCN_MEM_EXECUTE
		name := strings.TrimRight(s.Name, "\x00")
		if s.Characteristics&wx == wx {
			out = append(out, report.Finding{Rule: RuleWXSection, Level: report.Medium,
				Message: fmt.Sprintf("section %q is both writable and executable", name),
				Offset:  int64(s.Offset), Match: report.Snippet(name + " W+X")})
		}
		raw := img.raw(s)
		if len(raw) < entropyMinSize || name == ".rsrc" || strings.HasPrefix(name, ".zdebug") { // resources and compressed DWARF are packed by design
			continue
		}
		if h := binary.Entropy(raw); h > entropyHigh {
			level := report.Low
			if executable(s) {
				level = report.Medium
			}
			out = append(out, report.Finding{Rule: RuleHighEntropy, Level: level,
				Message: fmt.Sprintf("section %q (%d bytes) has %.2f bits of entropy per byte: packed or encrypted", name, len(raw), h),
				Offset:  int64(s.Offset), Match: report.Snippet(name)})
		}
	}
	certOff, _ := img.certTable()
	end := int64(len(img.data))
	if certOff > 0 && certOff >= img.rawEnd {
		end = certOff
	}
	if n := end - img.rawEnd; img.rawEnd > 0 && n > 0 && !allZero(img.data[img.rawEnd:end]) {
		h := binary.Entropy(img.data[img.rawEnd:end])
		out = append(out, report.Finding{Rule: RuleOverlay, Level: report.Low,
			Message: fmt.Sprintf("%d bytes (%.2f bits of entropy per byte) follow the last section", n, h),
			Offset:  img.rawEnd, Match: fmt.Sprintf("overlay of %d bytes", n)})
	}
	return out
}

func signatureFindings(img *image) []report.Finding {
	off, size := img.certTable()
	sig, err := img.readSignature()
	switch {
	case err == errUnsigned:
		return nil
	case err != nil:
		return []report.Finding{{Rule: RuleSigMalformed, Level: report.Medium, Offset: off,
			Message: "the certificate table does not hold a readable signature: " + err.Error(),
			Match:   report.Snippet(err.Error())}}
	}
	out := []report.Finding{{Rule: RuleSigner, Level: report.Low, Offset: off,
		Message: fmt.Sprintf("signed by %q (issuer %q, serial %s, SHA-1 %s, signed %s)", sig.Subject, sig.Issuer, sig.Serial, sig.SHA1, when(sig)),
		Match:   report.Snippet(sig.Subject)}}
	if sig.DigestAlg != "" && !sig.DigestOK {
		out = append(out, report.Finding{Rule: RuleDigestMismatch, Level: report.High, Offset: off,
			Message: fmt.Sprintf("the image's %s Authenticode digest differs from the one signed by %q: the file was changed after signing", sig.DigestAlg, sig.Subject),
			Match:   report.Snippet("digest mismatch, signer " + sig.Subject)})
	}
	if !sig.SigOK {
		// A signature this reader cannot check (an unsupported algorithm,
		// a signing time outside the certificate) is worth a look; one
		// whose cryptography fails is forged or damaged.
		level := report.Medium
		if sig.SigForged {
			level = report.High
		}
		out = append(out, report.Finding{Rule: RuleSigInvalid, Level: level, Offset: off,
			Message: "the Authenticode signature does not verify: " + sig.SigErr,
			Match:   report.Snippet(sig.SigErr)})
	}
	if sig.Extra > 0 {
		extra := img.data[sig.ExtraOff : sig.ExtraOff+sig.Extra]
		h := binary.Entropy(extra)
		out = append(out, report.Finding{Rule: RuleCertTableData, Level: report.High, Offset: sig.ExtraOff,
			Message: fmt.Sprintf("the certificate table holds %d bytes (%.2f bits of entropy per byte) after the PKCS#7 signature, outside what the signature covers", sig.Extra, h),
			Match:   report.Snippet(fmt.Sprintf("%d extra bytes, entropy %.2f, starting % x", sig.Extra, h, extra[:min(8, len(extra))]))})
	}
	if n := int64(len(img.data)) - off - size; n > 0 {
		out = append(out, report.Finding{Rule: RuleDataAfterCert, Level: report.Medium, Offset: off + size,
			Message: fmt.Sprintf("%d bytes follow the certificate table", n),
			Match:   fmt.Sprintf("%d bytes after the certificate table", n)})
	}
	return out
}

// when describes the signing and timestamp times of sig.
func when(sig *signature) string {
	s := "at an unstated time"
	if !sig.Signed.IsZero() {
		s = sig.Signed.Format("2006-01-02 15:04:05 UTC")
	}
	if !sig.Timestamp.IsZero() {
		s += ", timestamped " + sig.Timestamp.Format("2006-01-02 15:04:05 UTC")
	}
	return s
}
