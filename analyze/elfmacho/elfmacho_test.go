package elfmacho

import (
	"archive/zip"
	"io"
	"os"
	"strings"
	"testing"

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

func analyzeFile(f *analyze.File) []report.Finding {
	return append(ELF{}.Analyze(f), MachO{}.Analyze(f)...)
}

func rules(fs []report.Finding) map[string]report.Finding {
	m := map[string]report.Finding{}
	for _, f := range fs {
		if _, ok := m[f.Rule]; !ok {
			m[f.Rule] = f
		}
	}
	return m
}

func maxLevel(fs []report.Finding) report.Level {
	var l report.Level
	for _, f := range fs {
		l = max(l, f.Level)
	}
	return l
}

func TestHello(t *testing.T) {
	fs := analyzeFile(load(t, "hello"))
	if maxLevel(fs) > report.Low {
		t.Errorf("plain program: %+v", fs)
	}
}

func TestReverseShell(t *testing.T) {
	f := load(t, "fail_revshell")
	fs := analyzeFile(f)
	r := rules(fs)
	if got := r["elf."+RemoteShell]; got.Level != report.High || got.Match != "connect + execl + /bin/sh" {
		t.Errorf("reverse shell: %+v", fs)
	}
	if got, ok := r["elf."+Network]; !ok || string(f.Data[got.Offset:got.Offset+int64(len(got.Match))]) != got.Match {
		t.Errorf("network import evidence: %+v", got)
	}
}

func TestFileless(t *testing.T) {
	fs := analyzeFile(load(t, "fail_memfd"))
	if got := rules(fs)["elf."+Fileless]; got.Level != report.High || got.Match != "memfd_create + fexecve" {
		t.Errorf("memfd loader: %+v", fs)
	}
}

func TestStatic(t *testing.T) {
	fs := analyzeFile(load(t, "tiny"))
	if _, ok := rules(fs)["elf."+Static]; !ok || maxLevel(fs) > report.Low {
		t.Errorf("static helper: %+v", fs)
	}
}

func TestMachO(t *testing.T) {
	f := load(t, "fail_revshell.macho")
	if f.Kind != analyze.MachO {
		t.Fatalf("kind %v", f.Kind)
	}
	fs := analyzeFile(f)
	r := rules(fs)
	if got := r["macho."+RemoteShell]; got.Level != report.High || got.Match != "connect + execve + /bin/sh" {
		t.Errorf("Mach-O reverse shell: %+v", fs)
	}
	if _, ok := r["macho."+Unsigned]; !ok {
		t.Errorf("no code signature not reported: %+v", fs)
	}
}

func TestGarbage(t *testing.T) {
	for _, b := range []string{"\x7fELF\x02\x01\x01", "\xcf\xfa\xed\xfe\x07\x00\x00\x01"} {
		f := &analyze.File{Data: []byte(b), Size: int64(len(b)), Kind: analyze.Sniff("x", []byte(b))}
		fs := analyzeFile(f)
		if len(fs) != 1 || !strings.HasSuffix(fs[0].Rule, "."+Malformed) {
			t.Errorf("%q: %+v", b, fs)
		}
	}
}

// TestCorpusWheelHelper reads the static helper bundled in the tampered
// wheel: on its own it is harmless-looking, and must not be judged high.
func TestCorpusWheelHelper(t *testing.T) {
	zr, err := zip.OpenReader("/work/shared/corpus/cases/wheel-native-import/after/fluxkern-3.0.0-py3-none-any.whl")
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, "/fkhelper") {
			continue
		}
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		f := &analyze.File{Path: zf.Name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(zf.Name, b)}
		fs := analyzeFile(f)
		if f.Kind != analyze.ELF || len(fs) == 0 || maxLevel(fs) > report.Medium {
			t.Errorf("fkhelper (%v): %+v", f.Kind, fs)
		}
		return
	}
	t.Error("fkhelper not found in the wheel")
}

func FuzzELF(f *testing.F) {
	for _, n := range []string{"hello", "tiny", "fail_memfd"} {
		b, _ := os.ReadFile("testdata/" + n)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		f := &analyze.File{Data: b, Size: int64(len(b)), Kind: analyze.ELF}
		ELF{}.Analyze(f)
		ELF{}.Record(f, map[string]string{})
	})
}

func FuzzMachO(f *testing.F) {
	b, _ := os.ReadFile("testdata/fail_revshell.macho")
	f.Add(b)
	f.Add([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x01\x01\x00\x00\x07\x00\x00\x00\x03\x00\x00\x00\x20\x00\x00\x01\x7a\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		f := &analyze.File{Data: b, Size: int64(len(b)), Kind: analyze.MachO}
		MachO{}.Analyze(f)
		MachO{}.Record(f, map[string]string{})
	})
}

func BenchmarkELF(b *testing.B) {
	f := load(b, "fail_memfd")
	b.SetBytes(int64(len(f.Data)))
	for b.Loop() {
		ELF{}.Analyze(f)
	}
}

// TestShellWithoutEndpoint: the imports of a reverse shell without a
// server address written in (sulogin, strace have them) stay medium.
func TestShellWithoutEndpoint(t *testing.T) {
	f := load(t, "fail_revshell")
	i := strings.Index(string(f.Data), "192.0.2.61")
	copy(f.Data[i:], "localhost\x00")
	fs := analyzeFile(f)
	if got := rules(fs)["elf."+RemoteShell]; got.Level != report.Medium {
		t.Errorf("without an address: %+v", fs)
	}
}

func TestOddLibrary(t *testing.T) {
	for lib, odd := range map[string]bool{
		"libc.so.6": false, "/usr/lib/libSystem.B.dylib": false, "@rpath/libfoo.dylib": false,
		"/System/Library/Frameworks/Security.framework/Security": false,
		"/tmp/libhook.so": true, "/Users/Shared/.x/libz.dylib": true, "@loader_path/../../x.dylib": true,
		"/home/build/out/libfoo.so": true,
	} {
		if got := oddLibrary(lib) != ""; got != odd {
			t.Errorf("oddLibrary(%q) = %v", lib, got)
		}
	}
}

func factsOf(t *testing.T, rel, fixture string) analyze.FileFacts {
	f := load(t, fixture)
	m := map[string]string{}
	ELF{}.Record(f, m)
	MachO{}.Record(f, m)
	return analyze.FileFacts{Path: "r!/" + rel, Rel: rel, Kind: f.Kind, Facts: m}
}

func TestCapabilityGained(t *testing.T) {
	old := []analyze.FileFacts{factsOf(t, "lib/tool", "hello")}
	new := []analyze.FileFacts{factsOf(t, "lib/tool", "fail_revshell")}
	ls := ELF{}.AnalyzeRelease(old, new)
	if len(ls) != 1 || ls[0].Finding.Level != report.High || ls[0].Finding.Match != "connect, execl, socket" {
		t.Errorf("gained network and exec: %+v", ls)
	}
	if ls := (ELF{}).AnalyzeRelease(new, new); len(ls) != 0 {
		t.Errorf("unchanged: %+v", ls)
	}
	if ls := (ELF{}).AnalyzeRelease(nil, new); len(ls) != 0 {
		t.Errorf("scan: %+v", ls)
	}
}
