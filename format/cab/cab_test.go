package cab

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/cab/internal/lzxenc"
	"github.com/vigilsec/vigil/format/formattest"
)

var update = flag.Bool("update", false, "rewrite testdata/expected.txt")

// listing describes everything Open shows of a cabinet: each file with
// its size and SHA-256 or its error, then the problems.
func listing(t testing.TB, data []byte, lim format.Limits) string {
	fsys, err := Open("x.cab", bytes.NewReader(data), lim)
	if err != nil {
		return "open error: " + err.Error() + "\n"
	}
	var b strings.Builder
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(p)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", p, err)
			return nil
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			fmt.Fprintf(&b, "%s: read %d bytes, then %v\n", p, n, err)
			return nil
		}
		fmt.Fprintf(&b, "%s %d %x\n", p, n, h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	formattest.WriteProblems(&b, fsys)
	return b.String()
}

func fixtures(t testing.TB) []string {
	names, err := filepath.Glob("testdata/*.cab")
	if err != nil || len(names) < 10 {
		t.Fatalf("fixtures missing: %v %v", names, err)
	}
	return names
}

// TestExpected compares every fixture's listing with the committed one.
func TestExpected(t *testing.T) {
	var b strings.Builder
	for _, name := range fixtures(t) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s\n%s", filepath.Base(name), listing(t, data, format.DefaultLimits))
	}
	formattest.Golden(t, "testdata/expected.txt", b.String(), *update)
}

// cabextract returns the files cabextract extracts from a cabinet, with
// their SHA-256, as "name size hash" lines; failed files are left out.
func cabextract(t *testing.T, path string) map[string]string {
	t.Helper()
	if _, err := exec.LookPath("cabextract"); err != nil {
		t.Skip("cabextract not installed")
	}
	dir := t.TempDir()
	exec.Command("cabextract", "-q", "-d", dir, path).Run() // fails on the fail_ fixtures
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if len(b) == 0 {
			return nil // cabextract leaves an empty file where it failed
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%d %x", len(b), sha256.Sum256(b))
		return nil
	})
	return out
}

// ours returns the files Open reads without error, like cabextract.
func ours(t *testing.T, data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(listing(t, data, format.DefaultLimits), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && len(f[2]) == 64 {
			out[f[0]] = f[1] + " " + f[2]
		}
	}
	return out
}

func sameFiles(t *testing.T, name string, got, want map[string]string) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: %s: got %q, cabextract %q", name, k, got[k], want[k])
		}
	}
}

// TestAgainstCabextract checks that every file cabextract can extract
// from a fixture reads the same here, and that nothing reads here that
// cabextract rejects (except Quantum's, which we do not decode).
func TestAgainstCabextract(t *testing.T) {
	for _, name := range fixtures(t) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want := cabextract(t, name)
		delete(want, "qtm.txt") // Quantum: a problem here, not an error there
		got := ours(t, data)
		switch filepath.Base(name) {
		case "fail_checksum.cab":
			// cabextract stops at the bad checksum; we report it and go on.
			continue
		case "fail_overlap.cab":
			// cabextract expands every overlapping folder; we refuse all
			// but the first, so a small file cannot become a bomb.
			continue
		}
		sameFiles(t, name, got, want)
	}
}

// TestLZXEncoderCabinets builds LZX cabinets of every window size with
// package lzxenc, and checks them against cabextract. This is what makes
// lzxenc trustworthy as the source of the lzx package's round trips.
func TestLZXEncoderCabinets(t *testing.T) {
	text := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog\n", 3000))
	bin := make([]byte, 90000)
	for i := range bin {
		bin[i] = byte(i * i >> 5)
		if i%97 == 0 {
			bin[i] = 0xE8
		}
	}
	for bits := 15; bits <= 21; bits += 3 {
		for _, e8 := range []bool{false, true} {
			o := lzxenc.Options{WindowBits: bits, E8: e8, BlockSize: 40000, Types: []int{lzxenc.Aligned, lzxenc.Uncompressed, lzxenc.Verbatim}}
			data := lzxenc.Cabinet([]lzxenc.File{{Name: "text.txt", Data: text}, {Name: "bin.dat", Data: bin}}, o)
			path := filepath.Join(t.TempDir(), "t.cab")
			os.WriteFile(path, data, 0o644)
			name := fmt.Sprintf("window 2^%d e8 %v", bits, e8)
			want := cabextract(t, path)
			if len(want) != 2 {
				t.Fatalf("%s: cabextract extracted %d files", name, len(want))
			}
			sameFiles(t, name, ours(t, data), want)
		}
	}
}

// TestSpill reads a folder larger than the memory budget through the
// temporary file, and checks that the file has no name left behind.
func TestSpill(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old := MemoryBudget
	MemoryBudget = 1000
	defer func() { MemoryBudget = old }()
	for _, name := range []string{"testdata/mszip.cab", "testdata/lzx_e8.cab", "testdata/stored.cab"} {
		data, _ := os.ReadFile(name)
		MemoryBudget = old
		want := listing(t, data, format.DefaultLimits)
		MemoryBudget = 1000
		if got := listing(t, data, format.DefaultLimits); got != want {
			t.Errorf("%s: spilled listing differs:\n%s\nwant\n%s", name, got, want)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

func TestEntryLimit(t *testing.T) {
	data, _ := os.ReadFile("testdata/mszip.cab")
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1000
	fsys, err := Open("mszip.cab", bytes.NewReader(data), lim)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.ReadFile(fsys, "numbers.txt")
	if !errors.Is(err, format.ErrLimit) {
		t.Errorf("reading a 108 KiB file with a 1000 byte limit: %v, want ErrLimit", err)
	}
	if _, err := fs.ReadFile(fsys, "hello.txt"); err != nil {
		t.Errorf("small file: %v", err)
	}
}

// TestRatio opens an LZX cabinet of 2 MiB of zeros, which lzxenc packs
// about 360 to 1, with a ratio limit of 100: the folder must be refused
// before it is decompressed.
func TestRatio(t *testing.T) {
	zeros := make([]byte, 2<<20)
	data := lzxenc.Cabinet([]lzxenc.File{{Name: "zeros", Data: zeros}}, lzxenc.Options{WindowBits: 21})
	lim := format.DefaultLimits
	lim.MaxRatio = 100
	fsys, err := Open("bomb.cab", bytes.NewReader(data), lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "zeros"); !errors.Is(err, format.ErrLimit) {
		t.Errorf("%d-byte cabinet of 2 MiB: %v, want ErrLimit", len(data), err)
	}
	probs := fsys.(format.ProblemReporter).Problems()
	if len(probs) != 1 || probs[0].Rule != format.RuleEntryTooLarge {
		t.Errorf("problems %v", probs)
	}
	lim.MaxRatio = 0
	fsys, _ = Open("bomb.cab", bytes.NewReader(data), lim)
	if got, err := fs.ReadFile(fsys, "zeros"); err != nil || !bytes.Equal(got, zeros) {
		t.Errorf("without a ratio limit: %d bytes, %v", len(got), err)
	}
}

func TestMatch(t *testing.T) {
	data, _ := os.ReadFile("testdata/mszip.cab")
	if !Match("a.cab", data[:64]) {
		t.Error("mszip.cab not matched")
	}
	if Match("a.txt", []byte("MSCF is how this text file starts, but it is text")) {
		t.Error("text starting with MSCF matched")
	}
}

// FuzzCAB opens arbitrary bytes as a cabinet and reads every file, with
// limits small enough to keep each input fast.
func FuzzCAB(f *testing.F) {
	for _, name := range fixtures(f) {
		if data, err := os.ReadFile(name); err == nil && len(data) < 50000 {
			f.Add(data)
		}
	}
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	lim.MaxTotalBytes = 4 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := Open("f.cab", bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		formattest.ReadAll(fsys)
	})
}
