package msi

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

var update = flag.Bool("update", false, "rewrite testdata/expected.txt")

func open(t testing.TB, path string) (fs.FS, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Open(filepath.Base(path), bytes.NewReader(data), format.DefaultLimits)
}

// files returns path -> "size sha256" for every file that reads without
// error, and the listing text with errors and problems.
func files(t testing.TB, fsys fs.FS) (map[string]string, string) {
	out := map[string]string{}
	var b strings.Builder
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", p, err)
			return nil
		}
		v := fmt.Sprintf("%d %x", len(data), sha256.Sum256(data))
		out[p] = v
		fmt.Fprintf(&b, "%s %s\n", p, v)
		return nil
	})
	formattest.WriteProblems(&b, fsys)
	return out, b.String()
}

// TestExpected compares the fixtures' listings with the committed ones.
func TestExpected(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.msi")
	if len(names) < 3 {
		t.Fatalf("fixtures missing: %v", names)
	}
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "== %s\n", filepath.Base(name))
		fsys, err := open(t, name)
		if err != nil {
			fmt.Fprintf(&b, "open error: %v\n", err)
			continue
		}
		_, text := files(t, fsys)
		b.WriteString(text)
	}
	formattest.Golden(t, "testdata/expected.txt", b.String(), *update)
}

// msiextract returns what msiextract extracts: path -> "size sha256".
func msiextract(t *testing.T, path string) map[string]string {
	if _, err := exec.LookPath("msiextract"); err != nil {
		t.Skip("msiextract not installed")
	}
	dir := t.TempDir()
	abs, _ := filepath.Abs(path)
	cmd := exec.Command("msiextract", abs)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v\n%s", err, out)
	}
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = fmt.Sprintf("%d %x", len(b), sha256.Sum256(b))
		}
		return err
	})
	return out
}

// sameAsMsiextract checks that every file msiextract writes is listed
// here with the same bytes. msiextract names system folders its own way
// ("Program Files"), so paths are compared below the system folder.
func sameAsMsiextract(t *testing.T, path string) map[string]string {
	fsys, err := open(t, path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := files(t, fsys)
	want := msiextract(t, path)
	if len(want) == 0 {
		t.Fatalf("%s: msiextract extracted nothing", path)
	}
	for wp, wv := range want {
		found := false
		for gp, gv := range got {
			_, below, _ := strings.Cut(gp, "/")
			// A file that shares its path with another is listed below
			// its File key; msiextract writes it over the other.
			if i := strings.Index(below, "/["); i >= 0 {
				if j := strings.Index(below[i:], "]/"); j >= 0 {
					below = below[:i] + below[i+j+1:]
				}
			}
			if strings.HasSuffix(wp, below) && gv == wv {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: msiextract's %s (%s) not listed", path, wp, wv)
		}
	}
	return got
}

func TestAgainstMsiextract(t *testing.T) {
	got := sameAsMsiextract(t, "testdata/app.msi")
	for _, p := range []string{
		"ProgramFilesFolder/Halyard/Desktop App/app.exe",
		"ProgramFilesFolder/Halyard/Desktop App/plugins/plugin.dll",
		"ProgramFilesFolder/Halyard/Desktop App/plugins/[plugin64.dll]/plugin.dll",
		"LocalAppDataFolder/HalyardData/config.json",
		"[Binary]/InstallHelper",
	} {
		if got[p] == "" {
			t.Errorf("%s not listed", p)
		}
	}
}

// TestCorpus opens the shared corpus's installers: the three payload
// files must appear at their install paths with msiextract's bytes.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob("/work/shared/corpus/cases/dll-*/*/HalyardDesktopApp-*.msi")
	if len(paths) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, p := range paths {
		got := sameAsMsiextract(t, p)
		for _, f := range []string{"ffmpeg.dll", "d3dcompiler_47.dll", "HalyardDesktopApp.exe"} {
			if got["LocalAppDataFolder/Programs/Halyard Desktop App/"+f] == "" {
				t.Errorf("%s: %s missing from %v", p, f, got)
			}
		}
	}
}

func TestSummary(t *testing.T) {
	fsys, err := open(t, "testdata/app.msi")
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "[SummaryInformation].txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Author: Vigil Tests", "Subject: Halyard Test", "Template: Intel;1033"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary lacks %q:\n%s", want, b)
		}
	}
}

func TestBrokenStringPool(t *testing.T) {
	fsys, err := open(t, "testdata/fail_stringpool.msi")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := files(t, fsys)
	if got["[Streams]/payload.cab"] == "" {
		t.Errorf("embedded cabinet not shown as a stream: %v", got)
	}
	probs := fsys.(format.ProblemReporter).Problems()
	if len(probs) == 0 || probs[0].Rule != format.RuleMalformed || !strings.Contains(probs[0].Message, "string") {
		t.Errorf("problems %v, want a malformed string pool", probs)
	}
}

func TestTruncated(t *testing.T) {
	if _, err := open(t, "testdata/fail_truncated.msi"); err == nil {
		t.Error("truncated compound file opened")
	}
}

func TestNotMSI(t *testing.T) {
	_, err := Open("x.msi", bytes.NewReader(append(append([]byte{}, magic...), make([]byte, 600)...)), format.DefaultLimits)
	if err == nil {
		t.Error("garbage after the magic opened")
	}
	if Match("x", []byte("PK\x03\x04")) {
		t.Error("zip matched")
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := open(t, "testdata/app.msi")
	b, _ := open(t, "testdata/app.msi")
	_, la := files(t, a)
	_, lb := files(t, b)
	if la != lb {
		t.Errorf("two opens differ:\n%s\n%s", la, lb)
	}
}

// TestConcurrent reads every file from many goroutines at once, as a
// parallel walker may: the compound file reader and the cabinet's folder
// cache are shared. Run with -race.
func TestConcurrent(t *testing.T) {
	fsys, err := open(t, "testdata/app.msi")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := files(t, fsys)
	fsys, _ = open(t, "testdata/app.msi")
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := 0; g < 8; g++ {
		for p, v := range want {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := fs.ReadFile(fsys, p)
				if got := fmt.Sprintf("%d %x", len(b), sha256.Sum256(b)); err != nil || got != v {
					errs <- fmt.Sprintf("%s: %s, %v", p, got, err)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// encodeName packs a stream name as Windows Installer does; a leading
// "!" marks a table.
func encodeName(name string) string {
	var out []rune
	if n, ok := strings.CutPrefix(name, "!"); ok {
		out, name = append(out, tableMark), n
	}
	for i := 0; i < len(name); i++ {
		a := strings.IndexByte(alphabet, name[i])
		if a < 0 {
			out = append(out, rune(name[i]))
			continue
		}
		if i+1 < len(name) {
			if b := strings.IndexByte(alphabet, name[i+1]); b >= 0 {
				out = append(out, rune(packTwo+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(packOne+a))
	}
	return string(out)
}

func TestDecodeName(t *testing.T) {
	for _, n := range []string{"!_StringPool", "!File", "payload.cab", "Binary.InstallHelper", "odd", "a b"} {
		got, table := decodeName(encodeName(n))
		if want := strings.TrimPrefix(n, "!"); got != want || table != (n[0] == '!') {
			t.Errorf("decodeName(encode(%q)) = %q, %v", n, got, table)
		}
	}
}

func TestDirectories(t *testing.T) {
	dirs := &table{cols: []column{{name: "Directory"}, {name: "Directory_Parent"}, {name: "DefaultDir"}}}
	for _, r := range [][3]string{
		{"TARGETDIR", "", "SourceDir"},
		{"ProgramFilesFolder", "TARGETDIR", "."},
		{"Vendor", "ProgramFilesFolder", "VENDOR~1|Vendor Inc:src"},
		{"App", "Vendor", "App"},
		{"Same", "App", "."},
		{"Loop1", "Loop2", "a"},
		{"Loop2", "Loop1", "b"},
		{"Up", "TARGETDIR", "..|.."},
	} {
		dirs.rows = append(dirs.rows, []any{r[0], r[1], r[2]})
	}
	d := newDirResolver(dirs)
	for k, want := range map[string]string{
		"TARGETDIR": "", "App": "ProgramFilesFolder/Vendor Inc/App", "Same": "ProgramFilesFolder/Vendor Inc/App",
		"Up": "..", "SystemFolder": "SystemFolder",
	} {
		if got, ok := d.path(k); got != want || !ok {
			t.Errorf("path(%q) = %q, %v; want %q", k, got, ok, want)
		}
	}
	if _, ok := d.path("Loop1"); ok {
		t.Error("circular Directory chain resolved")
	}
	// ".." must reach the namer, which reports it.
	var n format.Namer
	p, _ := d.path("Up")
	n.Clean(p+"/evil.dll", -1)
	if len(n.Problems()) != 1 || n.Problems()[0].Rule != format.RulePathTraversal {
		t.Errorf("traversal not reported: %v", n.Problems())
	}
}

func TestEntryLimit(t *testing.T) {
	data, _ := os.ReadFile("testdata/app.msi")
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1000
	fsys, err := Open("app.msi", bytes.NewReader(data), lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "ProgramFilesFolder/Halyard/Desktop App/app.exe"); !errors.Is(err, format.ErrLimit) {
		t.Errorf("18 KiB file read under a 1000-byte limit: %v", err)
	}
}

// FuzzMSI opens arbitrary bytes as an installer and reads every file.
func FuzzMSI(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.msi")
	for _, n := range names {
		b, _ := os.ReadFile(n)
		f.Add(b)
	}
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	lim.MaxTotalBytes = 4 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := Open("f.msi", bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		formattest.ReadAll(fsys)
	})
}
