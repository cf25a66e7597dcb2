package compress

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
)

func openFile(t *testing.T, name string, lim format.Limits) fs.FS {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !Format.Match(name, format.Head(bytes.NewReader(b), 4096)) {
		t.Fatalf("%s: Match = false", name)
	}
	fsys, err := Format.Open(name, bytes.NewReader(b), lim)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fsys
}

// only returns the name of fsys's one entry.
func only(t *testing.T, fsys fs.FS) string {
	t.Helper()
	list, err := fs.ReadDir(fsys, ".")
	if err != nil || len(list) != 1 {
		t.Fatalf("root: %v, %v; want one entry", list, err)
	}
	return list[0].Name()
}

func TestRoundTrip(t *testing.T) {
	b, err := os.ReadFile("testdata/app.js.sha256")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(b))
	for name, entry := range map[string]string{
		"app.js.gz": "app.js", "app.js.xz": "app.js", "app.js.zst": "app.js",
		"app.js.bz2": "app.js", "blob": "blob.out",
	} {
		fsys := openFile(t, name, format.DefaultLimits)
		if got := only(t, fsys); got != entry {
			t.Errorf("%s: entry %q, want %q", name, got, entry)
		}
		data, err := fs.ReadFile(fsys, entry)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != want {
			t.Errorf("%s: sha256 %s, want %s (testdata/app.js.sha256)", name, got, want)
		}
		// And what the real tool decompresses.
		tool := map[string]string{".gz": "gzip", ".xz": "xz", ".zst": "zstd", ".bz2": "bzip2", "blob": "gzip"}
		for suffix, cmd := range tool {
			if !strings.HasSuffix(name, suffix) {
				continue
			}
			if _, err := exec.LookPath(cmd); err != nil {
				continue
			}
			out, err := exec.Command(cmd, "-dc", "testdata/"+name).Output()
			if err != nil || !bytes.Equal(out, data) {
				t.Errorf("%s: differs from %s -dc (%v)", name, cmd, err)
			}
		}
	}
}

func TestTruncated(t *testing.T) {
	fsys := openFile(t, "fail_truncated.js.xz", format.DefaultLimits)
	if _, err := fs.ReadFile(fsys, "fail_truncated.js"); err == nil {
		t.Fatal("reading a truncated xz succeeded")
	}
}

func TestBomb(t *testing.T) {
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 1 << 20
	fsys := openFile(t, "fail_bomb.gz", lim)
	f, err := fsys.Open("fail_bomb")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(io.Discard, f)
	if !errors.Is(err, format.ErrLimit) || n != 1<<20 {
		t.Fatalf("read %d bytes, %v; want %d and ErrLimit", n, err, 1<<20)
	}
}

func TestEntryName(t *testing.T) {
	for in, want := range map[string]string{
		"foo.js.gz": "foo.js", "FOO.JS.GZ": "FOO.JS", "x.tgz": "x.tar", "x.tar.zst": "x.tar",
		"data": "data.out", "a.bin": "a.bin.out", ".gz": ".gz.out", "": "_unnamed.out",
	} {
		if got := EntryName(in); got != want {
			t.Errorf("EntryName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		head string
		want Method
	}{
		{"\x1f\x8b\x08\x00", Gzip},
		{"\xfd7zXZ\x00\x00", Xz},
		{"\x28\xb5\x2f\xfd", Zstd},
		{"BZh91AY&SY", Bzip2},
		{"BZh is how this text starts", None},
		{"PK\x03\x04", None},
		{"", None},
	} {
		if got := Detect([]byte(c.head)); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.head, got, c.want)
		}
	}
	// A gzip magic with a garbled header is not this format.
	_, err := Format.Open("x.gz", bytes.NewReader([]byte("\x1f\x8b\x08\xff\xff")), format.DefaultLimits)
	if !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("Open of a garbled gzip header: %v, want ErrNotFormat", err)
	}
}

func TestSpool(t *testing.T) {
	s := NewSpool(10)
	defer s.Close()
	want := []byte("0123456789abcdefghij")
	for i := 0; i < len(want); i += 3 {
		s.Write(want[i:min(i+3, len(want))])
	}
	if s.f == nil {
		t.Fatal("20 bytes over a 10-byte budget did not spill to a file")
	}
	got, err := io.ReadAll(s.Section(5, 15))
	if err != nil || string(got) != string(want[5:]) {
		t.Fatalf("section: %q, %v", got, err)
	}
	if _, err := os.Stat(s.f.Name()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("spool file %s still has a name: %v", s.f.Name(), err)
	}
}

func TestXzDict(t *testing.T) {
	b, err := os.ReadFile("testdata/app.js.xz") // xz -9: 64 MiB
	if err != nil {
		t.Fatal(err)
	}
	if dict, ok := xzDict(b); !ok || dict != 64<<20 {
		t.Fatalf("xzDict = %d, %v; want %d", dict, ok, 64<<20)
	}
	// The same stream declaring a 1.5 GiB dictionary is refused before
	// the decoder allocates it.
	big := bytes.Clone(b)
	size := (int(big[12]) + 1) * 4
	i := bytes.Index(big[12:12+size], []byte{0x21, 0x01}) + 12
	big[i+2] = 37 // 1.5 GiB
	if dict, _ := xzDict(big); dict != 3<<29 {
		t.Fatalf("patched xzDict = %d", dict)
	}
	if _, err := NewReader(Xz, bytes.NewReader(big)); err == nil || !strings.Contains(err.Error(), "dictionary") {
		t.Fatalf("NewReader of a 1.5 GiB dictionary: %v", err)
	}
}
