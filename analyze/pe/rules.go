package pe

import (
	"github.com/vigilsec/vigil/analyze/binary"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs. Release-wide rules (signature drift across a release) start
// with "sig." since they judge signers, not one image.
const (
	RuleMalformed        = "pe.malformed"
	RuleNetworkImports   = "pe.network-imports"
	RuleDownloadImports  = "pe.download-imports"
	RuleExecImports      = "pe.exec-imports"
	RuleMemoryImports    = "pe.memory-imports"
	RuleInjectImports    = "pe.inject-imports"
	RuleLoader           = "pe.loader"
	RuleRemoteShell      = "pe.remote-shell"
	RuleWXSection        = "pe.wx-section"
	RuleHighEntropy      = "pe.high-entropy"
	RuleOverlay          = "pe.overlay"
	RuleSigner           = "pe.signer"
	RuleUnsigned         = "pe.unsigned"
	RuleSigMalformed     = "pe.signature-malformed"
	RuleSigInvalid       = "pe.signature-invalid"
	RuleDigestMismatch   = "pe.digest-mismatch"
	RuleCertTableData    = "pe.cert-table-data"
	RuleDataAfterCert    = "pe.data-after-signature"
	RuleDotnetType       = "dotnet.type"
	RuleDotnetMethod     = "dotnet.method"
	RuleDotnetMemberRef  = "dotnet.member-ref"
	RuleDotnetLoader     = "dotnet.loader"
	RuleDotnetGained     = "dotnet.capability-gained"
	RuleSignerChanged    = "sig.signer-changed"
	RuleCertRenewed      = "sig.certificate-changed"
	RuleStrangerSigner   = "sig.stranger-signer"
	RuleUnsignedAdded    = "sig.unsigned-added"
	RuleSameVersion      = "sig.same-version-new-code"
	RuleCapabilityGained = "sig.capability-gained"
	RuleLookalikeName    = "sig.lookalike-name"
	RuleNativeAdded      = "release.native-added"
)

var rules = []report.Rule{
	rule(RuleMalformed, report.Low, "unreadable PE image", "The file starts like a PE image but its headers do not parse. Old DOS programs and truncated downloads look like this; so do files made to crash parsers."),
	rule(RuleNetworkImports, report.Low, "imports a network library", "The image imports WinINet, WinHTTP, Winsock or DNS functions: it talks to the network."),
	rule(RuleDownloadImports, report.Medium, "imports download-to-file functions", "URLDownloadToFile and its relatives fetch a URL straight to disk in one call, a favourite of droppers."),
	rule(RuleExecImports, report.Low, "imports process creation", "The image can start other programs (CreateProcess, WinExec, ShellExecute, system)."),
	rule(RuleMemoryImports, report.Low, "imports memory allocation/protection", "VirtualAlloc and VirtualProtect can make memory executable. Every C runtime imports some of them; the import matters in combination."),
	rule(RuleInjectImports, report.Medium, "imports cross-process memory functions", "WriteProcessMemory, CreateRemoteThread, NtUnmapViewOfSection and friends write into or run code in other processes: process injection and hollowing."),
	rule(RuleLoader, report.High, "network plus executable memory in a small image", "A small image that both downloads and allocates or injects executable memory has the shape of a shellcode loader."),
	rule(RuleRemoteShell, report.High, "network plus process creation plus a shell", "A small image that talks to the network, starts processes and names a command interpreter has the shape of a reverse shell; high when it also carries a hard-coded server address."),
	rule(RuleWXSection, report.Medium, "section both writable and executable", "Compilers do not emit writable code sections; packers and self-modifying loaders do."),
	rule(RuleHighEntropy, report.Low, "high-entropy section", "A section whose bytes look compressed or encrypted: packed code or an embedded payload. Medium when the section is executable."),
	rule(RuleOverlay, report.Low, "data after the last section", "Bytes after the image that the loader does not map: installers keep their archive there, droppers their payload."),
	rule(RuleSigner, report.Low, "Authenticode signer", "Who signed the image, for comparison across releases."),
	rule(RuleUnsigned, report.Low, "not signed", "The image carries no Authenticode signature."),
	rule(RuleSigMalformed, report.Medium, "unreadable Authenticode signature", "The certificate table does not hold a readable PKCS#7 signature."),
	rule(RuleSigInvalid, report.High, "Authenticode signature does not verify", "The PKCS#7 signature over the signed attributes does not verify with the signer certificate's key."),
	rule(RuleDigestMismatch, report.High, "signed image digest does not match", "The file was changed after it was signed: the Authenticode digest of the image differs from the one the signature vouches for."),
	rule(RuleCertTableData, report.High, "data hidden in the certificate table", "The certificate table holds bytes beyond the PKCS#7 signature. The digest does not cover the table, so the signature still verifies: the 3CX payload hid there (CVE-2013-3900)."),
	rule(RuleDataAfterCert, report.Medium, "data after the certificate table", "Bytes follow the certificate table, where no tool that signs puts them."),
	rule(RuleDotnetGained, report.High, "assembly gained network access together with process or code loading", "A new version of a .NET assembly references networking and process-start or assembly-loading members it did not before (diff only). High when it also gained decoding or decryption, the shape of SUNBURST and the M.E.Doc backdoor; medium otherwise, as an honest release may add an updater."),
	rule(RuleDotnetType, report.Low, "new .NET type", "A type the new version of an assembly defines and the old one did not (diff only): injected code usually arrives as a new class."),
	rule(RuleDotnetMethod, report.Low, "new .NET method", "A method added to a type that already existed (diff only)."),
	rule(RuleDotnetMemberRef, report.Medium, ".NET reference to a risky API", "The assembly calls a framework API that loads code, starts processes or downloads (Assembly.Load, Process.Start, WebClient)."),
	rule(RuleDotnetLoader, report.High, ".NET assembly loads decoded or downloaded code", "The assembly both loads assemblies or function pointers at run time and decodes, decrypts or downloads bytes: the shape of a stager that hides its payload. Medium in large assemblies, where the two often meet for unrelated reasons."),
	rule(RuleSignerChanged, report.High, "signer changed", "The binary at this path was signed by a different subject in the previous release."),
	rule(RuleCertRenewed, report.Low, "signing certificate changed", "Same signer subject, different certificate: usually a renewal."),
	rule(RuleStrangerSigner, report.High, "signed by a stranger", "The binary is signed by a subject that signs nothing else in the release. High for a binary new in the release, medium in a scan (bundled third-party redistributables look the same)."),
	rule(RuleUnsignedAdded, report.Medium, "unsigned binary added to a signed release", "The release signs its binaries, but this new one is unsigned."),
	rule(RuleSameVersion, report.Medium, "same version, different code", "The version resource is unchanged but the code is not: a rebuilt binary that kept its version, as a trojanized one does."),
	rule(RuleCapabilityGained, report.Medium, "binary gained capabilities", "A binary at the same path now imports network, process or memory functions it did not before. High when it gains network access together with executable memory, injection or process creation."),
	rule(RuleLookalikeName, report.High, "file name imitates another binary", "A binary whose name is one letter away from, or a confusable of, another binary in the release (fffmpeg.exe beside ffmpeg.exe). High when the imitator is new, medium in a scan."),
	rule(RuleNativeAdded, report.Medium, "first native executable in the release", "The previous release shipped no executables; this one does. Pure-language packages that start bundling a compiled helper deserve a look (torchtriton, 2022)."),
}

func rule(id string, l report.Level, summary, help string) report.Rule {
	return report.Rule{ID: id, Level: l, Summary: summary, Help: help}
}

func init() {
	rules = append(rules, binary.StringRules("pe")...)
}

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule { return append([]report.Rule(nil), rules...) }
