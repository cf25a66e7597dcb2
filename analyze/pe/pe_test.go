package pe

import (
	"bytes"
	"crypto"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func load(t testing.TB, name string) *analyze.File {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)}
}

// find returns the findings of rule in fs.
func find(fs []report.Finding, rule string) []report.Finding {
	var out []report.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func maxLevel(fs []report.Finding) report.Level {
	var l report.Level
	for _, f := range fs {
		l = max(l, f.Level)
	}
	return l
}

func TestPlainExecutable(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "hello.exe"))
	if l := maxLevel(fs); l > report.Low {
		t.Errorf("plain mingw program at %v: %+v", l, fs)
	}
	if len(find(fs, RuleMemoryImports)) != 0 {
		t.Errorf("VirtualProtect of the C runtime reported on its own: %+v", fs)
	}
}

func TestVersionResource(t *testing.T) {
	img, err := parse(load(t, "hello.exe").Data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"CompanyName": "Acme Tools Ltd", "FileDescription": "Hello tool", "FileVersion": "1.2.3",
		"OriginalFilename": "hello.exe", "ProductName": "Acme Hello", "ProductVersion": "1.2.3"}
	got := img.version()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestValidSignature(t *testing.T) {
	img, _ := parse(load(t, "signed.exe").Data)
	sig, err := img.readSignature()
	if err != nil {
		t.Fatal(err)
	}
	if !sig.DigestOK || !sig.SigOK || sig.Extra != 0 {
		t.Errorf("valid signature judged %+v", sig)
	}
	if !strings.HasPrefix(sig.Subject, "CN=Halyard Telecom Ltd") || !strings.Contains(sig.Issuer, "Lodestar") {
		t.Errorf("subject %q issuer %q", sig.Subject, sig.Issuer)
	}
	if want := time.Unix(1700000000, 0).UTC(); !sig.Signed.Equal(want) {
		t.Errorf("signing time %v, want %v", sig.Signed, want)
	}
	if len(sig.SHA1) != 40 || len(sig.SHA256) != 64 || sig.Serial == "" {
		t.Errorf("thumbprints %q %q serial %q", sig.SHA1, sig.SHA256, sig.Serial)
	}
	fs := Analyzer{}.Analyze(load(t, "signed.exe"))
	if maxLevel(fs) > report.Low || len(find(fs, RuleSigner)) != 1 {
		t.Errorf("validly signed file: %+v", fs)
	}
}

func TestTimestamp(t *testing.T) {
	img, _ := parse(load(t, "timestamped.exe").Data)
	sig, err := img.readSignature()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Unix(1700000100, 0).UTC(); !sig.Timestamp.Equal(want) {
		t.Errorf("RFC 3161 time %v, want %v", sig.Timestamp, want)
	}
}

func TestDigestMismatch(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_tampered.exe"))
	got := find(fs, RuleDigestMismatch)
	if len(got) != 1 || got[0].Level != report.High {
		t.Fatalf("one byte changed after signing: %+v", fs)
	}
	if len(find(fs, RuleSigInvalid)) != 0 {
		t.Errorf("the PKCS#7 itself is intact, but was reported invalid")
	}
}

func TestCertTableData(t *testing.T) {
	f := load(t, "fail_certpad.exe")
	fs := Analyzer{}.Analyze(f)
	got := find(fs, RuleCertTableData)
	if len(got) != 1 || got[0].Level != report.High {
		t.Fatalf("padded certificate table: %+v", fs)
	}
	if string(f.Data[got[0].Offset:got[0].Offset+4]) != "\xfe\xed\xfa\xce" {
		t.Errorf("evidence offset %d does not point at the blob", got[0].Offset)
	}
	if !strings.HasPrefix(got[0].Match, "4104 extra bytes") {
		t.Errorf("match %q", got[0].Match)
	}
	if len(find(fs, RuleDigestMismatch)) != 0 {
		t.Errorf("the digest still verifies (the table is not hashed): %+v", fs)
	}
}

func TestLoader(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_loader.dll"))
	got := find(fs, RuleLoader)
	if len(got) != 1 || got[0].Match != "wininet.dll!InternetOpenA + kernel32.dll!VirtualAlloc" {
		t.Errorf("loader: %+v", fs)
	}
	data := load(t, "fail_loader.dll").Data
	for _, f := range find(fs, RuleMemoryImports) {
		_, fn, _ := strings.Cut(f.Match, "!")
		if f.Offset == 0 || string(data[f.Offset:f.Offset+int64(len(fn))]) != fn {
			t.Errorf("evidence offset %d of %s does not point at its name", f.Offset, f.Match)
		}
	}
}

func TestRemoteShell(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_revshell.exe"))
	if got := find(fs, RuleRemoteShell); len(got) != 1 || got[0].Level != report.High || len(find(fs, RuleNetworkImports)) != 1 {
		t.Errorf("reverse shell: %+v", fs)
	}
}

func TestNotPE(t *testing.T) {
	f := load(t, "hello.exe")
	f.Kind = analyze.ELF
	if fs := (Analyzer{}).Analyze(f); fs != nil {
		t.Errorf("analyzed a non-PE: %+v", fs)
	}
	f = &analyze.File{Data: []byte("MZ not really"), Size: 13, Kind: analyze.PE}
	if fs := (Analyzer{}).Analyze(f); len(fs) != 1 || fs[0].Rule != RuleMalformed {
		t.Errorf("garbage after MZ: %+v", fs)
	}
}

func TestTruncatedSkipsSignature(t *testing.T) {
	f := load(t, "signed.exe")
	f.Size *= 2 // as if the walker cut the file at its analysis bound
	for _, fd := range (Analyzer{}).Analyze(f) {
		if fd.Level > report.Low {
			t.Errorf("truncated copy judged: %+v", fd)
		}
	}
}

func TestDeterministic(t *testing.T) {
	f := load(t, "fail_revshell.exe")
	a, b := Analyzer{}.Analyze(f), Analyzer{}.Analyze(f)
	if len(a) != len(b) {
		t.Fatal("different lengths")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("run 1 %+v, run 2 %+v", a[i], b[i])
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	f := load(b, "fail_certpad.exe")
	b.SetBytes(int64(len(f.Data)))
	for b.Loop() {
		Analyzer{}.Analyze(f)
	}
}

func TestDotnetTypes(t *testing.T) {
	img, _ := parse(load(t, "dotnet.exe").Data)
	md, err := img.readMetadata()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ty := range md.Types {
		names = append(names, ty.Name+"("+strings.Join(ty.Methods, ",")+")")
	}
	if got := strings.Join(names, " "); got != "Acme.Tools.Greeter(.ctor,Greet) Acme.Tools.Updater(.ctor,Run) Acme.Tools.Program(Main)" {
		t.Errorf("types %q", got)
	}
	fs := Analyzer{}.Analyze(load(t, "dotnet.exe"))
	if refs := find(fs, RuleDotnetMemberRef); len(refs) != 1 || refs[0].Match != "System.Diagnostics.Process::Start" {
		t.Errorf("member refs %+v", refs)
	}
	if maxLevel(fs) > report.Low {
		t.Errorf("honest assembly at %v", maxLevel(fs))
	}
}

func TestDotnetDiff(t *testing.T) {
	old, new := load(t, "dotnet.exe"), load(t, "dotnet2.exe")
	fs := Analyzer{}.Diff(old, new)
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+f.Match)
	}
	sort.Strings(got)
	if want := "dotnet.method Acme.Tools.Greeter::Farewell|dotnet.type Acme.Tools.Telemetry"; strings.Join(got, "|") != want {
		t.Errorf("diff findings %q, want %q", got, want)
	}
	if fs := (Analyzer{}).Diff(old, old); len(fs) != 0 {
		t.Errorf("diff of a file with itself: %+v", fs)
	}
}

func TestDotnetStager(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_stager.exe"))
	got := find(fs, RuleDotnetLoader)
	if len(got) != 1 || got[0].Level != report.High || got[0].Match != "System.Reflection.Assembly::Load + System.Convert::FromBase64String" {
		t.Errorf("stager: %+v", fs)
	}
}

// TestForgedSignedDigest changes the image digest inside the signed
// SpcIndirectDataContent, as a forger who patched the file and the digest
// but could not re-sign would: the PKCS#7 signature no longer verifies.
func TestForgedSignedDigest(t *testing.T) {
	f := load(t, "signed.exe")
	img, _ := parse(f.Data)
	digest := img.authenticodeDigest(crypto.SHA256)
	i := bytes.Index(f.Data, digest)
	if i < 0 {
		t.Fatal("signed digest not found in the certificate table")
	}
	f.Data[i] ^= 1
	fs := Analyzer{}.Analyze(f)
	if got := find(fs, RuleSigInvalid); len(got) != 1 || got[0].Level != report.High {
		t.Errorf("forged digest: %+v", fs)
	}
	if len(find(fs, RuleDigestMismatch)) != 1 {
		t.Errorf("digest mismatch not reported: %+v", fs)
	}
}

func TestFacts(t *testing.T) {
	facts := map[string]string{}
	Analyzer{}.Record(load(t, "timestamped.exe"), facts)
	want := map[string]string{
		FactSigned: "yes", FactDigestOK: "yes", FactVersion + "FileVersion": "1.2.3",
		FactSignedAt: "2023-11-14T22:13:20Z", FactTimestamp: "2023-11-14T22:15:00Z",
	}
	for k, v := range want {
		if facts[k] != v {
			t.Errorf("%s = %q, want %q", k, facts[k], v)
		}
	}
	if !strings.Contains(facts[FactImports], "kernel32.dll!VirtualProtect") || len(facts[FactCodeHash]) != 64 {
		t.Errorf("imports %q, code hash %q", facts[FactImports], facts[FactCodeHash])
	}
	facts = map[string]string{}
	Analyzer{}.Record(load(t, "fail_loader.dll"), facts)
	if facts[FactExports] != "fetch" {
		t.Errorf("exports %q", facts[FactExports])
	}
}

// An assembly that gains networking, process start and decoding in one
// release, as SUNBURST's injected class did, is high in a diff; the same
// file diffed against itself says nothing.
func TestDotnetCapabilityGained(t *testing.T) {
	old, cur := load(t, "inventory.dll"), load(t, "fail_inventory_implant.dll")
	var got *report.Finding
	for _, f := range (Analyzer{}).Diff(old, cur) {
		if f.Rule == RuleDotnetGained {
			got = &f
		}
	}
	if got == nil || got.Level != report.High || !strings.Contains(got.Match, "Process::Start") {
		t.Fatalf("capability-gained finding = %+v", got)
	}
	for _, f := range (Analyzer{}).Diff(cur, cur) {
		if f.Rule == RuleDotnetGained {
			t.Fatalf("same assembly: %+v", f)
		}
	}
}
