package apk

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func open(t testing.TB, name string) (*Tree, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := Open(bytes.NewReader(b), format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tree, b
}

func TestRoundTrip(t *testing.T) {
	tree, b := open(t, "hello.apk")
	if !Format.Match("hello.apk", b[:min(len(b), 4096)]) {
		t.Error("Match = false")
	}
	var lines []string
	fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "usr/bin/hi" {
			return err
		}
		data, err := fs.ReadFile(tree, p)
		if err != nil {
			t.Error(err)
		}
		lines = append(lines, fmt.Sprintf("%x  ./%s\n", sha256.Sum256(data), p))
		return nil
	})
	want, _ := os.ReadFile("testdata/hello.apk.sha256")
	if got := formattest.Sorted(lines); got != string(want) {
		t.Errorf("files differ from tar -xzi:\ngot:\n%s\nwant:\n%s", got, want)
	}
	// No problems: in particular the datahash matches, which it does only
	// if the data stream is found at the right offset.
	if p := tree.Problems(); len(p) != 0 {
		t.Errorf("problems: %+v", p)
	}
	if b, _ := fs.ReadFile(tree, "usr/bin/hi"); string(b) != "hello" {
		t.Errorf("symlink = %q", b)
	}
}

func TestAbsolute(t *testing.T) {
	tree, _ := open(t, "fail_absolute.apk")
	// The smuggled stream is also outside what .PKGINFO's datahash covers.
	p := tree.Problems()
	if len(p) != 2 || p[0].Rule != format.RulePathTraversal || p[0].Path != "etc/shadow" ||
		p[1].Rule != RuleDigestMismatch || p[1].Path != ".PKGINFO" {
		t.Errorf("problems = %+v", p)
	}
	if _, err := fs.ReadFile(tree, "etc/shadow"); err != nil {
		t.Error(err)
	}
}

func TestTruncated(t *testing.T) {
	tree, _ := open(t, "fail_truncated.apk")
	p := tree.Problems()
	if len(p) == 0 || p[0].Rule != format.RuleMalformed {
		t.Errorf("problems = %+v", p)
	}
	if _, err := fs.ReadFile(tree, ".post-install"); err != nil {
		t.Errorf("control survives the cut: %v", err)
	}
}

func TestNotAPK(t *testing.T) {
	zip := []byte("PK\x03\x04 an Android package")
	if Format.Match("app.apk", zip) {
		t.Error("a zip matches")
	}
	if _, err := Open(bytes.NewReader(zip), format.DefaultLimits); err != format.ErrNotFormat {
		t.Errorf("Open = %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	for _, n := range []string{"hello.apk", "fail_absolute.apk"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := format.DefaultLimits
		lim.MaxTotalBytes = 1 << 20
		tree, err := Open(bytes.NewReader(b), lim)
		if err != nil {
			return
		}
		formattest.ReadAll(tree)
	})
}

func BenchmarkOpen(b *testing.B) {
	data, _ := os.ReadFile("testdata/hello.apk")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Open(bytes.NewReader(data), format.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
