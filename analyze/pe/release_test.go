package pe

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// facts records the facts of data as it would sit at rel in a release.
func facts(t testing.TB, rel string, data []byte) analyze.FileFacts {
	f := &analyze.File{Path: "rel!/" + rel, Data: data, Size: int64(len(data)), Kind: analyze.Sniff(rel, data)}
	m := map[string]string{}
	Analyzer{}.Record(f, m)
	sum := sha256.Sum256(data)
	return analyze.FileFacts{Path: f.Path, Rel: rel, SHA256: hex.EncodeToString(sum[:]), Kind: f.Kind, Facts: m}
}

// release builds FileFacts from pairs of release path and fixture name.
func release(t testing.TB, pairs ...string) []analyze.FileFacts {
	var out []analyze.FileFacts
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, facts(t, pairs[i], load(t, pairs[i+1]).Data))
	}
	return out
}

// located returns the findings of rule on the file whose Rel ends in name.
func located(ls []analyze.Located, name, rule string) []report.Finding {
	var out []report.Finding
	for _, l := range ls {
		if strings.HasSuffix(l.Path, "/"+name) && l.Finding.Rule == rule {
			out = append(out, l.Finding)
		}
	}
	return out
}

func TestSignerChanged(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe", "app/other.exe", "signed.exe")
	new := release(t, "app/hello.exe", "resigned.exe", "app/other.exe", "signed.exe")
	got := located(Analyzer{}.AnalyzeRelease(old, new), "hello.exe", RuleSignerChanged)
	if len(got) != 1 || got[0].Level != report.High || !strings.Contains(got[0].Match, "Halyard") || !strings.Contains(got[0].Match, "Norvale") {
		t.Errorf("re-signed by another subject: %+v", got)
	}
}

func TestSameSignerNoDrift(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe")
	new := release(t, "app/hello.exe", "timestamped.exe")
	if ls := (Analyzer{}).AnalyzeRelease(old, new); len(ls) != 0 {
		t.Errorf("same file, same signer: %+v", ls)
	}
}

func TestStrangerAndLookalike(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe", "app/tool.exe", "signed.exe")
	new := release(t, "app/hello.exe", "signed.exe", "app/tool.exe", "signed.exe", "app/helo.exe", "resigned.exe")
	ls := Analyzer{}.AnalyzeRelease(old, new)
	if got := located(ls, "helo.exe", RuleStrangerSigner); len(got) != 1 || got[0].Level != report.High {
		t.Errorf("new binary signed by a stranger: %+v", ls)
	}
	if got := located(ls, "helo.exe", RuleLookalikeName); len(got) != 1 || got[0].Level != report.High || got[0].Match != "helo.exe ~ hello.exe" {
		t.Errorf("look-alike name: %+v", ls)
	}
	// In a scan the same release is only worth a look.
	for _, l := range (Analyzer{}).AnalyzeRelease(nil, new) {
		if l.Finding.Level > report.Medium {
			t.Errorf("scan: %+v", l)
		}
	}
}

func TestUnsignedAdded(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe")
	new := release(t, "app/hello.exe", "signed.exe", "bin/runner.exe", "hello.exe")
	ls := Analyzer{}.AnalyzeRelease(old, new)
	if got := located(ls, "runner.exe", RuleUnsignedAdded); len(got) != 1 || got[0].Level != report.Medium {
		t.Errorf("unsigned binary added: %+v", ls)
	}
}

func TestSameVersionNewCode(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe")
	new := release(t, "app/hello.exe", "patched.exe")
	ls := Analyzer{}.AnalyzeRelease(old, new)
	if got := located(ls, "hello.exe", RuleSameVersion); len(got) != 1 || got[0].Match != "version 1.2.3" {
		t.Errorf("same version, new code: %+v", ls)
	}
	if len(ls) != 1 {
		t.Errorf("only the version check should fire: %+v", ls)
	}
}

func TestCapabilityGained(t *testing.T) {
	old := release(t, "app/helper.dll", "hello.exe")
	new := release(t, "app/helper.dll", "fail_loader.dll")
	got := located(Analyzer{}.AnalyzeRelease(old, new), "helper.dll", RuleCapabilityGained)
	if len(got) != 1 || got[0].Level != report.High || !strings.Contains(got[0].Match, "kernel32.dll!VirtualAlloc") {
		t.Errorf("gained network and executable memory: %+v", got)
	}
}

func TestImitates(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"ffmpeg", "fffmpeg", true},
		{"chrome", "chrorne", true}, // rn for m
		{"updater", "udpater", true},
		{"d3dcompiler_46", "d3dcompiler_47", false},
		{"api-ms-win-core-file-l1-1-0", "api-ms-win-core-file-l1-2-0", false},
		{"msvcp140", "msvcp140_1", false},
		{"libegl", "libglesv2", false},
		{"same", "same", false},
		{"ffmpeg", "ffmреg", true}, // Cyrillic р and е
	} {
		if got := imitates(c.a, c.b); got != c.want {
			t.Errorf("imitates(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// zipRelease reads every file of a corpus zip into FileFacts, Rel
// relative to the bundle's top directory.
func zipRelease(t *testing.T, name string) []analyze.FileFacts {
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer zr.Close()
	var out []analyze.FileFacts
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 8<<20))
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, facts(t, zf.Name, b))
	}
	return out
}

const corpus = "/work/shared/corpus/cases/"

func TestCorpusLookalikeBinary(t *testing.T) {
	dir := corpus + "installer-lookalike-binary/"
	old := zipRelease(t, dir+"before/CourtlineViewer-8.3.7.zip")
	new := zipRelease(t, dir+"after/CourtlineViewer-8.3.7.zip")
	ls := Analyzer{}.AnalyzeRelease(old, new)
	high := 0
	for _, l := range ls {
		if !strings.HasSuffix(l.Path, "/fffmpeg.exe") {
			t.Errorf("finding on an honest file: %+v", l)
		}
		if l.Finding.Level >= report.High {
			high++
		}
	}
	if high < 2 {
		t.Errorf("fffmpeg.exe should be a high look-alike and a high stranger signer: %+v", ls)
	}
	for _, l := range (Analyzer{}).AnalyzeRelease(nil, old) {
		t.Errorf("clean bundle scanned: %+v", l)
	}
}

// msiRelease extracts a corpus MSI with msiextract into a temporary
// directory (test set-up only; vigil itself never extracts) and records
// the facts of its PE files.
func msiRelease(t *testing.T, name string) (map[string]*analyze.File, []analyze.FileFacts) {
	if _, err := exec.LookPath("msiextract"); err != nil {
		t.Skip("msiextract not installed")
	}
	if _, err := os.Stat(name); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command("msiextract", "-C", dir, name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v\n%s", err, out)
	}
	files := map[string]*analyze.File{}
	var ff []analyze.FileFacts
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		fc := facts(t, rel, b)
		ff = append(ff, fc)
		files[rel] = &analyze.File{Path: fc.Path, Data: b, Size: int64(len(b)), Kind: fc.Kind}
		return nil
	})
	return files, ff
}

// judgeRelease returns each file's risk from its own findings and the
// release findings that are new relative to the old copy (rule + Match),
// the way the engine judges a diff.
func judgeRelease(oldFiles, newFiles map[string]*analyze.File, old, new []analyze.FileFacts) map[string]report.Level {
	risk := map[string]report.Level{}
	for rel, f := range newFiles {
		seen := map[string]bool{}
		if o := oldFiles[rel]; o != nil {
			for _, fd := range (Analyzer{}).Analyze(o) {
				seen[fd.Key()] = true
			}
		}
		for _, fd := range (Analyzer{}).Analyze(f) {
			if !seen[fd.Key()] {
				risk[rel] = max(risk[rel], fd.Level)
			}
		}
	}
	for _, l := range (Analyzer{}).AnalyzeRelease(old, new) {
		rel := strings.TrimPrefix(l.Path, "rel!/")
		risk[rel] = max(risk[rel], l.Finding.Level)
	}
	return risk
}

func TestCorpusSignedOverlay(t *testing.T) {
	dir := corpus + "dll-signed-overlay/"
	of, old := msiRelease(t, dir+"before/HalyardDesktopApp-20.3.118.msi")
	nf, new := msiRelease(t, dir+"after/HalyardDesktopApp-20.3.124.msi")
	risk := judgeRelease(of, nf, old, new)
	for rel, l := range risk {
		switch filepath.Base(rel) {
		case "ffmpeg.dll", "d3dcompiler_47.dll":
			if l < report.High {
				t.Errorf("%s at %v, want high", rel, l)
			}
		default:
			if l > report.Medium {
				t.Errorf("honest %s at %v", rel, l)
			}
		}
	}
	if len(risk) < 2 {
		t.Errorf("risks %v", risk)
	}
}

func TestCorpusRebuildSigned(t *testing.T) {
	dir := corpus + "dll-rebuild-signed/"
	of, old := msiRelease(t, dir+"before/HalyardDesktopApp-20.3.118.msi")
	nf, new := msiRelease(t, dir+"after/HalyardDesktopApp-20.3.131.msi")
	if len(nf) != 3 {
		t.Fatalf("extracted %d files", len(nf))
	}
	for rel, l := range judgeRelease(of, nf, old, new) {
		if l > report.Medium {
			t.Errorf("honest rebuild: %s at %v", rel, l)
		}
	}
}

func TestNativeAdded(t *testing.T) {
	old := []analyze.FileFacts{{Path: "w!/pkg/__init__.py", Rel: "pkg/__init__.py", Kind: analyze.Python}}
	new := append(old, analyze.FileFacts{Path: "w!/pkg/bin/helper", Rel: "pkg/bin/helper", Kind: analyze.ELF})
	ls := Analyzer{}.AnalyzeRelease(old, new)
	if len(ls) != 1 || ls[0].Finding.Rule != RuleNativeAdded || ls[0].Path != "w!/pkg/bin/helper" || ls[0].Finding.Level != report.Medium {
		t.Errorf("first native file: %+v", ls)
	}
	if ls := (Analyzer{}).AnalyzeRelease(new, new); len(ls) != 0 {
		t.Errorf("native file already shipped: %+v", ls)
	}
}

func TestStrangerSignsFormerlyUnsigned(t *testing.T) {
	old := release(t, "app/hello.exe", "signed.exe", "app/tool.exe", "hello.exe")
	new := release(t, "app/hello.exe", "signed.exe", "app/tool.exe", "resigned.exe")
	got := located(Analyzer{}.AnalyzeRelease(old, new), "tool.exe", RuleStrangerSigner)
	if len(got) != 1 || got[0].Level != report.High {
		t.Errorf("unsigned binary now signed by a stranger: %+v", got)
	}
}
