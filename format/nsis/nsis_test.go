package nsis

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/format"
)

func openFile(t testing.TB, path string, lim format.Limits) (fs.FS, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Format.Match(filepath.Base(path), format.Head(bytes.NewReader(b), 4096)) {
		t.Fatalf("%s: Match = false", path)
	}
	return Format.Open(filepath.Base(path), bytes.NewReader(b), lim)
}

// contents reads every file of fsys, by path.
func contents(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			t.Errorf("read %s: %v", p, err)
		}
		out[p] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func srcSum(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata/src", name))
	if err != nil {
		t.Fatal(err)
	}
	return sum(b)
}

// The fixtures install the files of testdata/src; every one must come out
// under its install path with the bytes it was built from.
func TestFixtures(t *testing.T) {
	payload := map[string]string{
		"$INSTDIR/readme.txt":           "readme.txt",
		"$INSTDIR/empty.txt":            "empty.txt",
		"$INSTDIR/sub/log.txt":          "sub/log.txt",
		"$INSTDIR/sub/deeper/notes.txt": "sub/deeper/notes.txt",
		"$INSTDIR/bin/aaaa.dat":         "bin/aaaa.dat",
		"$INSTDIR/bin/random.bin":       "bin/random.bin",
		"$INSTDIR/renamed.dat":          "bin/aaaa.dat",
	}
	cases := []struct {
		file    string
		unicode bool
		method  method
		solid   bool
	}{
		{"zlib.exe", true, methodDeflate, false},
		{"zlib_solid.exe", false, methodDeflate, true},
		{"bzip2.exe", false, methodBzip2, false},
		{"bzip2_solid.exe", true, methodBzip2, true},
		{"lzma.exe", true, methodLZMA, false},
		{"lzma_ansi.exe", false, methodLZMA, false},
		{"lzma_solid.exe", true, methodLZMA, true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			fsys, err := openFile(t, "testdata/"+c.file, format.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			got := contents(t, fsys)
			want := map[string]string{}
			for k, v := range payload {
				want[k] = srcSum(t, v)
			}
			if c.unicode {
				want["$INSTDIR/sub/données-日本.txt"] = srcSum(t, "sub/données-日本.txt")
			}
			for name, h := range want {
				if b, ok := got[name]; !ok {
					t.Errorf("missing %s", name)
				} else if sum(b) != h {
					t.Errorf("%s: sha256 %s, want %s", name, sum(b), h)
				}
			}
			wantNames := []string{scriptName, "$INSTDIR/uninstall.exe"}
			for name := range want {
				wantNames = append(wantNames, name)
			}
			var names []string
			for name := range got {
				names = append(names, name)
			}
			slices.Sort(names)
			slices.Sort(wantNames)
			if !slices.Equal(names, wantNames) {
				t.Errorf("entries:\n got %q\nwant %q", names, wantNames)
			}
			script := string(got[scriptName])
			for _, s := range []string{
				"; Unicode " + map[bool]string{true: "true", false: "false"}[c.unicode],
				"; SetCompressor " + map[bool]string{true: "/SOLID ", false: ""}[c.solid] + c.method.String(),
				`SetOutPath "$INSTDIR\sub\deeper"`,
				`File "$INSTDIR\sub\deeper\notes.txt"`,
				`WriteReg HKCU "Software\VigilFixture" "InstallLocation" "$INSTDIR"`,
				`WriteUninstaller "$INSTDIR\uninstall.exe"`,
				`LangString LSTR_2 1033 "Fixture"`, // Name
			} {
				if !strings.Contains(script, s) {
					t.Errorf("%s lacks %q:\n%s", scriptName, s, script)
				}
			}
			info, err := fs.Stat(fsys, "$INSTDIR/readme.txt")
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2020, 9, 13, 12, 26, 40, 0, time.UTC); !info.ModTime().Equal(want) {
				t.Errorf("mtime %v, want %v", info.ModTime(), want)
			}
			if problems := fsys.(format.ProblemReporter).Problems(); len(problems) != 0 {
				t.Errorf("problems: %v", problems)
			}
			// The uninstaller is an NSIS installer of its own.
			un := got["$INSTDIR/uninstall.exe"]
			ufs, err := Format.Open("uninstall.exe", bytes.NewReader(un), format.DefaultLimits)
			if err != nil {
				t.Fatalf("uninstaller: %v", err)
			}
			us, err := fs.ReadFile(ufs, scriptName)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(us), `RMDir "$INSTDIR" 3`) {
				t.Errorf("uninstaller script:\n%s", us)
			}
		})
	}
}

// A 64-bit installer stores 64-bit block offsets; one path written twice
// with different data gives two entries and no problem.
func TestAMD64(t *testing.T) {
	fsys, err := openFile(t, "testdata/amd64.exe", format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := contents(t, fsys)
	for name, src := range map[string]string{
		"$INSTDIR/sub/readme.txt": "readme.txt",
		"$INSTDIR/x86/aaaa.dat":   "bin/aaaa.dat",
		"$INSTDIR/x64/random.bin": "bin/random.bin",
		"$INSTDIR/same.dat":       "bin/aaaa.dat",
		"$INSTDIR/same.dat~2":     "bin/random.bin",
	} {
		if sum(got[name]) != srcSum(t, src) {
			t.Errorf("%s: wrong or missing", name)
		}
	}
	if len(got) != 6 {
		t.Errorf("got %d files, want 5 and the script", len(got))
	}
	if p := fsys.(format.ProblemReporter).Problems(); len(p) != 0 {
		t.Errorf("problems: %v", p)
	}
}

// electron-builder ships the application as one 7z in $PLUGINSDIR, next
// to the plug-in that unpacks it.
func TestElectronLayout(t *testing.T) {
	fsys, err := openFile(t, "testdata/electron.exe", format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := contents(t, fsys)
	for name, src := range map[string]string{
		"$PLUGINSDIR/app-64.7z":  "app-64.7z",
		"$PLUGINSDIR/nsis7z.dll": "nsis7z.dll",
	} {
		if sum(got[name]) != srcSum(t, src) {
			t.Errorf("%s: wrong or missing", name)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %d files, want 2 and the script", len(got))
	}
	for _, s := range []string{
		`RegisterDLL "$PLUGINSDIR\nsis7z.dll" "ExtractWithDetails"`,
		`Exec "$\"$INSTDIR\app.exe$\" --updated"`,
	} {
		if !strings.Contains(string(got[scriptName]), s) {
			t.Errorf("script lacks %q:\n%s", s, got[scriptName])
		}
	}
}

// The flagship case: the application archive inside the real (signed)
// Chat Agent installers must come out intact.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/corpus/cases/chat-agent-nsis*/*/*.exe")
	if len(files) == 0 {
		t.Skip("corpus not present")
	}
	for _, file := range files {
		fsys, err := openFile(t, file, format.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		b, err := fs.ReadFile(fsys, "$PLUGINSDIR/app-64.7z")
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !bytes.HasPrefix(b, []byte("7z\xbc\xaf\x27\x1c")) {
			t.Errorf("%s: app-64.7z is not a 7z archive: % x", file, b[:8])
		}
		if _, err := fs.Stat(fsys, "$PLUGINSDIR/nsis7z.dll"); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		if _, err := fs.Stat(fsys, "$INSTDIR/Uninstall Chat Agent.exe"); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		script, err := fs.ReadFile(fsys, scriptName)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{
			"\nFunction .onInit\n  FindWindow $0 \"\" \"Chat Agent\"\n",
			`WriteReg HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "com.chatvern.agent" "$\"$INSTDIR\ChatAgent.exe$\" --hidden"`,
			`RegisterDLL "$PLUGINSDIR\nsis7z.dll" "ExtractWithDetails"`,
			`LangString LSTR_0 1033 "Chat Agent 10.0.7`, // BrandingText
		} {
			if !strings.Contains(string(script), s) {
				t.Errorf("%s: script lacks %q", file, s)
			}
		}
	}
}

func TestNotNSIS(t *testing.T) {
	// A PE file without installer data, and bytes that are no PE at all.
	if _, err := openFile(t, "testdata/fail_stub_only.exe", format.DefaultLimits); !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("stub only: %v, want ErrNotFormat", err)
	}
	if Format.Match("x.exe", []byte("PK\x03\x04")) {
		t.Error("Match accepted a zip")
	}
	if _, err := Format.Open("x", strings.NewReader("PK\x03\x04"), format.DefaultLimits); !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("zip: %v, want ErrNotFormat", err)
	}
}

func TestFail(t *testing.T) {
	t.Run("truncated", func(t *testing.T) {
		fsys, err := openFile(t, "testdata/fail_truncated.exe", format.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		problems := fsys.(format.ProblemReporter).Problems()
		if len(problems) != 1 || problems[0].Rule != format.RuleMalformed || !strings.Contains(problems[0].Message, "truncated") {
			t.Errorf("problems: %v", problems)
		}
		// Files before the cut read fine, the ones after fail to open.
		if _, err := fs.ReadFile(fsys, "$INSTDIR/readme.txt"); err != nil {
			t.Error(err)
		}
		if _, err := fs.ReadFile(fsys, "$INSTDIR/uninstall.exe"); err == nil {
			t.Error("uninstaller past the end opened")
		}
	})
	t.Run("crc", func(t *testing.T) {
		fsys, err := openFile(t, "testdata/fail_crc.exe", format.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		problems := fsys.(format.ProblemReporter).Problems()
		st, _ := os.Stat("testdata/fail_crc.exe")
		if len(problems) != 1 || problems[0].Rule != format.RuleDigestMismatch || problems[0].Offset != st.Size()-4 {
			t.Errorf("problems: %v", problems)
		}
		// The files are intact and still read.
		if b, err := fs.ReadFile(fsys, "$INSTDIR/readme.txt"); err != nil || sum(b) != srcSum(t, "readme.txt") {
			t.Errorf("readme.txt: %v", err)
		}
	})
	for _, file := range []string{"fail_garbled.exe", "fail_huge.exe"} {
		t.Run(file, func(t *testing.T) {
			_, err := openFile(t, "testdata/"+file, format.DefaultLimits)
			if err == nil || !errors.Is(err, errCorrupt) {
				t.Errorf("err = %v, want a corrupt-data error", err)
			}
		})
	}
}

// Names that leave $INSTDIR are shown under a safe name and reported.
func TestTraversal(t *testing.T) {
	fsys, err := openFile(t, "testdata/fail_traversal.exe", format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := contents(t, fsys)
	if sum(got["$INSTDIR/evil.txt"]) != srcSum(t, "readme.txt") || sum(got["C:/Windows/evil.dll"]) != srcSum(t, "bin/aaaa.dat") {
		t.Errorf("entries: %v", slices.Sorted(maps.Keys(got)))
	}
	var declared []string
	for _, p := range fsys.(format.ProblemReporter).Problems() {
		if p.Rule != format.RulePathTraversal || p.Offset <= 0 {
			t.Errorf("problem %v", p)
		}
		declared = append(declared, p.Message)
	}
	if len(declared) != 2 || !strings.Contains(declared[0], `"$INSTDIR/../../evil.txt"`) || !strings.Contains(declared[1], `"C:/Windows/evil.dll"`) {
		t.Errorf("problems: %q", declared)
	}
}

func TestLimits(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 8000
	for _, file := range []string{"lzma.exe", "lzma_solid.exe", "bzip2.exe"} {
		fsys, err := openFile(t, "testdata/"+file, lim)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.ReadFile(fsys, "$INSTDIR/bin/random.bin"); !errors.Is(err, format.ErrLimit) {
			t.Errorf("%s: 9600-byte file read with MaxEntryBytes 8000: %v", file, err)
		}
		if _, err := fs.ReadFile(fsys, "$INSTDIR/bin/aaaa.dat"); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	lim = format.DefaultLimits
	lim.MaxEntries = 3
	fsys, err := openFile(t, "testdata/lzma.exe", lim)
	if err != nil {
		t.Fatal(err)
	}
	n := len(contents(t, fsys))
	problems := fsys.(format.ProblemReporter).Problems()
	if n != 3 || len(problems) != 1 || problems[0].Rule != format.RuleTooManyFiles {
		t.Errorf("MaxEntries 3: %d files, problems %v", n, problems)
	}
}

// Same input, same entries, same bytes.
func TestDeterministic(t *testing.T) {
	var first map[string][]byte
	for i := 0; i < 2; i++ {
		fsys, err := openFile(t, "testdata/lzma_solid.exe", format.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		got := contents(t, fsys)
		if first == nil {
			first = got
			continue
		}
		for k, v := range got {
			if !bytes.Equal(first[k], v) {
				t.Errorf("%s differs between opens", k)
			}
		}
	}
}

// Spilling to the temporary file gives the same bytes as memory.
func TestSolidSpill(t *testing.T) {
	b, err := os.ReadFile("testdata/lzma_solid.exe")
	if err != nil {
		t.Fatal(err)
	}
	src := bytes.NewReader(b)
	base, fh, ok := findFirstHeader(src)
	if !ok {
		t.Fatal("no header")
	}
	a, err := newArchive(src, base, fh, format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHeader(a.header)
	if err != nil {
		t.Fatal(err)
	}
	var positions []uint32
	for _, it := range h.items() {
		positions = append(positions, it.pos)
	}
	mem := a.readSolid(positions, nil, memBudget)
	disk := a.readSolid(positions, nil, 0)
	if disk.spill == nil {
		t.Fatal("nothing spilled")
	}
	for _, pos := range positions {
		r1, _, err1 := mem.open(pos)
		r2, _, err2 := disk.open(pos)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		b1, _ := io.ReadAll(r1)
		b2, _ := io.ReadAll(r2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("block %d differs when spilled", pos)
		}
	}
}

// The x86 branch filter, checked against xz's encoder of the same filter.
func TestBCJ(t *testing.T) {
	raw, err := os.ReadFile("testdata/bcj_x86.lzma")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/src/nsis7z.dll")
	if err != nil {
		t.Fatal(err)
	}
	// filter byte 1, then lc=3 lp=0 pb=2 and an 8 MB dictionary
	stream := append([]byte{1, 0x5D, 0, 0, 0x80, 0}, raw...)
	if ok, filter := isLZMA(stream); !ok || !filter {
		t.Fatalf("isLZMA = %v, %v", ok, filter)
	}
	r, err := compression{method: methodLZMA, filter: true}.decompressor(bytes.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("BCJ output differs from the source (%d vs %d bytes)", len(got), len(want))
	}
	// Without undoing the filter the bytes differ: the test can fail.
	r, _ = compression{method: methodLZMA, filter: true}.decompressor(bytes.NewReader(append([]byte{0}, stream[1:]...)))
	if plain, _ := io.ReadAll(r); bytes.Equal(plain, want) {
		t.Error("filter byte 0 gave the filtered result")
	}
}

// makensis compresses the header, but an installer whose header is stored
// while its files are compressed must still extract: the method then comes
// from each block. The installer is zlib.exe with its header re-stored.
func TestStoredHeader(t *testing.T) {
	b, err := os.ReadFile("testdata/zlib.exe")
	if err != nil {
		t.Fatal(err)
	}
	base, fh, _ := findFirstHeader(bytes.NewReader(b))
	a, err := newArchive(bytes.NewReader(b), base, fh, format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.Write(b[:base+firstHeaderLen])
	out.Write(binary.LittleEndian.AppendUint32(nil, fh.headerLen))
	out.Write(a.header)
	out.Write(b[a.data : base+int64(fh.archLen)])
	re := out.Bytes()
	binary.LittleEndian.PutUint32(re[base+24:], uint32(len(re)-int(base)))
	fsys, err := Format.Open("stored.exe", bytes.NewReader(re), format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(fsys, "$INSTDIR/sub/log.txt")
	if err != nil || sum(got) != srcSum(t, "sub/log.txt") {
		t.Errorf("log.txt: %v", err)
	}
	// The stored CRC no longer matches, which is reported.
	if p := fsys.(format.ProblemReporter).Problems(); len(p) != 1 || p[0].Rule != format.RuleDigestMismatch {
		t.Errorf("problems: %v", p)
	}
}

// The first header is found at any multiple of 512, also across the
// chunks findFirstHeader reads, and nowhere else.
func TestFindFirstHeader(t *testing.T) {
	data, err := os.ReadFile("testdata/lzma.exe")
	if err != nil {
		t.Fatal(err)
	}
	base, _, _ := findFirstHeader(bytes.NewReader(data))
	nsisData := data[base:]
	for _, off := range []int64{512, 1<<20 - 512, 1 << 20, 1<<20 + 512, 3 << 20} {
		b := make([]byte, off+int64(len(nsisData)))
		copy(b, "MZ")
		copy(b[off:], nsisData)
		got, _, ok := findFirstHeader(bytes.NewReader(b))
		if !ok || got != off {
			t.Errorf("header at %d: found %d, %v", off, got, ok)
		}
		// Off the 512 grid it is not an installer.
		b = append(make([]byte, 0, len(b)+100), b[:off]...)
		b = append(b, make([]byte, 100)...)
		b = append(b, nsisData...)
		if got, _, ok := findFirstHeader(bytes.NewReader(b)); ok {
			t.Errorf("header at %d+100: found at %d", off, got)
		}
	}
}

// Files of one FS may be read from several goroutines.
func TestConcurrent(t *testing.T) {
	for _, file := range []string{"lzma_solid.exe", "zlib.exe"} {
		fsys, err := openFile(t, "testdata/"+file, format.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"$INSTDIR/readme.txt", "$INSTDIR/sub/log.txt", "$INSTDIR/bin/random.bin", "$INSTDIR/uninstall.exe"}
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := fs.ReadFile(fsys, names[i%len(names)]); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}
