package squirrel

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpen(t *testing.T) {
	for _, name := range []string{"Setup-resource.exe", "Setup-bundle.exe"} {
		t.Run(name, func(t *testing.T) {
			b := read(t, name)
			if !Format.Match(name, b[:4096]) {
				t.Error("Match = false")
			}
			fsys, err := Format.Open(name, bytes.NewReader(b), format.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					names = append(names, p)
				}
				return err
			})
			want := []string{"MyApp-1.0.0-full.nupkg", "RELEASES", "Update.exe"}
			if !reflect.DeepEqual(names, want) {
				t.Errorf("files = %q, want %q", names, want)
			}
			// The nupkg comes out whole: its SHA1 is the one RELEASES gives.
			nupkg, err := fs.ReadFile(fsys, "MyApp-1.0.0-full.nupkg")
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := fs.ReadFile(fsys, "RELEASES")
			list, err := ParseReleases(rel)
			if err != nil || len(list) != 1 {
				t.Fatalf("RELEASES: %v, %v", list, err)
			}
			if got := fmt.Sprintf("%X", sha1.Sum(nupkg)); got != list[0].SHA1 || int64(len(nupkg)) != list[0].Size {
				t.Errorf("nupkg sha1 %s size %d; RELEASES says %s %d", got, len(nupkg), list[0].SHA1, list[0].Size)
			}
			if !bytes.HasPrefix(nupkg, []byte("PK\x03\x04")) {
				t.Error("nupkg is not a zip")
			}
		})
	}
}

func TestNotSquirrel(t *testing.T) {
	for _, name := range []string{"fail_plain.exe"} {
		_, err := Format.Open(name, bytes.NewReader(read(t, name)), format.DefaultLimits)
		if !errors.Is(err, format.ErrNotFormat) {
			t.Errorf("%s: %v, want ErrNotFormat", name, err)
		}
	}
	if _, err := Format.Open("x", strings.NewReader("MZ but nothing else"), format.DefaultLimits); !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("short: %v", err)
	}
}

func TestTruncated(t *testing.T) {
	// The resource directory survives the cut; the zip it points at runs
	// past the end. That is a damaged installer, not a plain PE.
	for _, name := range []string{"fail_truncated.exe", "fail_badsize.exe"} {
		_, err := Format.Open(name, bytes.NewReader(read(t, name)), format.DefaultLimits)
		if err == nil || errors.Is(err, format.ErrNotFormat) || !strings.Contains(err.Error(), "past the end") {
			t.Errorf("%s: Open = %v", name, err)
		}
	}
}

func TestParseReleases(t *testing.T) {
	in := "\xef\xbb\xbfA715AF45E7958F1DE3E4CB75B9DF5639E6B135C7 MyApp-1.0.0-full.nupkg 558\r\n\n" +
		"a715af45e7958f1de3e4cb75b9df5639e6b135c7  MyApp-1.0.1-delta.nupkg  42 # 10%\n" +
		"0000000000000000000000000000000000000000 https://example.com/MyApp-1.0.1-full.nupkg?x=1 7\n"
	got, err := ParseReleases([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Release{
		{SHA1: "A715AF45E7958F1DE3E4CB75B9DF5639E6B135C7", Filename: "MyApp-1.0.0-full.nupkg", Size: 558, Line: 1},
		{SHA1: "a715af45e7958f1de3e4cb75b9df5639e6b135c7", Filename: "MyApp-1.0.1-delta.nupkg", Size: 42, Delta: true, Line: 3},
		{SHA1: "0000000000000000000000000000000000000000", Filename: "https://example.com/MyApp-1.0.1-full.nupkg?x=1", Size: 7, Line: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{
		"XYZ MyApp.nupkg 1",
		"A715AF45E7958F1DE3E4CB75B9DF5639E6B135C7 MyApp.nupkg",
		"A715AF45E7958F1DE3E4CB75B9DF5639E6B135C7 MyApp.nupkg -1",
		"A715AF45E7958F1DE3E4CB75B9DF5639E6B135C7 MyApp.nupkg 1 extra",
	} {
		if _, err := ParseReleases([]byte("\n" + bad)); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, n := range []string{"Setup-resource.exe", "Setup-bundle.exe", "fail_badsize.exe"} {
		f.Add(read(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		off, n, err := Find(bytes.NewReader(b))
		if err == nil && (off < 0 || n <= 0 || off+n > int64(len(b))) {
			t.Fatalf("Find = %d, %d outside %d bytes", off, n, len(b))
		}
	})
}

func FuzzParseReleases(f *testing.F) {
	f.Add(read(f, "RELEASES"))
	f.Add([]byte("A715AF45E7958F1DE3E4CB75B9DF5639E6B135C7 x-delta.nupkg 1 # 5%\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := ParseReleases(b)
		for _, r := range list {
			if len(r.SHA1) != 40 || r.Size < 0 || r.Line < 1 {
				t.Fatalf("bad release %+v (err %v)", r, err)
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	data := read(b, "Setup-bundle.exe")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Find(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
