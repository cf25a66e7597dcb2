package deb

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func openFile(t testing.TB, name string) (*format.Tree, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Open(bytes.NewReader(b), format.DefaultLimits)
}

// sums returns "sha256  ./path" lines, sorted by path, for the files under
// control/ and data/ except links, which dpkg-deb -x makes into links.
func sums(t *testing.T, fsys fs.FS, links ...string) string {
	t.Helper()
	return formattest.Sums(t, fsys, "./", func(p string, d fs.DirEntry) bool {
		return strings.Contains(p, "/") && !slices.Contains(links, p)
	})
}

func TestRoundTrip(t *testing.T) {
	for _, z := range []string{"gzip", "xz", "zstd", "bzip2", "none"} {
		t.Run(z, func(t *testing.T) {
			name := "hello-" + z + ".deb"
			if !Format.Match(name, head(t, name)) {
				t.Error("Match = false")
			}
			tree, err := openFile(t, name)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join("testdata", name+".sha256"))
			if got := sums(t, tree, "data/usr/share/hello/link"); got != string(want) {
				t.Errorf("files differ from dpkg-deb -e/-x:\ngot:\n%s\nwant:\n%s", got, want)
			}
			if p := tree.Problems(); len(p) != 0 {
				t.Errorf("problems on a clean package: %+v", p)
			}
			if b, _ := fs.ReadFile(tree, "debian-binary"); string(b) != "2.0\n" {
				t.Errorf("debian-binary = %q", b)
			}
			if b, _ := fs.ReadFile(tree, "data/usr/share/hello/link"); string(b) != "../../bin/hello" {
				t.Errorf("link = %q", b)
			}
		})
	}
}

func head(t *testing.T, name string) []byte {
	b, _ := os.ReadFile(filepath.Join("testdata", name))
	return b[:min(len(b), 4096)]
}

func TestTampered(t *testing.T) {
	tree, err := openFile(t, "fail_tampered.deb")
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) != 1 || p[0].Rule != RuleDigestMismatch || p[0].Path != "data/usr/bin/hello" {
		t.Errorf("problems = %+v, want one digest mismatch for data/usr/bin/hello", p)
	}
}

func TestTraversal(t *testing.T) {
	tree, err := openFile(t, "fail_traversal.deb")
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) != 1 || p[0].Rule != format.RulePathTraversal || p[0].Path != "data/etc/evil" {
		t.Errorf("problems = %+v, want one traversal at data/etc/evil", p)
	}
	if b, _ := fs.ReadFile(tree, "zz-extra"); string(b) != "extra\n" {
		t.Errorf("extra member = %q", b)
	}
	if b, _ := fs.ReadFile(tree, "control/postinst"); !bytes.Contains(b, []byte("echo configured")) {
		t.Errorf("postinst = %q", b)
	}
}

func TestTruncated(t *testing.T) {
	tree, err := openFile(t, "fail_truncated.deb")
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) < 2 || p[0].Rule != format.RuleMalformed || p[1].Path != "data.tar.xz" {
		t.Errorf("problems = %+v, want the cut ar member and the cut data.tar.xz", p)
	}
	if _, err := fs.ReadFile(tree, "control/postinst"); err != nil {
		t.Errorf("control survives the cut: %v", err)
	}
}

func TestNotDeb(t *testing.T) {
	ar := []byte("!<arch>\nfoo.o/          0           0     0     644     4         `\nabcd")
	if Format.Match("x.a", ar) {
		t.Error("a static library matches")
	}
	if _, err := Open(bytes.NewReader(ar), format.DefaultLimits); err != format.ErrNotFormat {
		t.Errorf("Open = %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	for _, n := range []string{"hello-none.deb", "hello-gzip.deb", "fail_traversal.deb"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := format.DefaultLimits
		lim.MaxTotalBytes = 1 << 20
		lim.MaxEntryBytes = 1 << 20
		tree, err := Open(bytes.NewReader(b), lim)
		if err != nil {
			return
		}
		formattest.ReadAll(tree)
	})
}

func BenchmarkOpen(b *testing.B) {
	data, _ := os.ReadFile("testdata/hello-xz.deb")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Open(bytes.NewReader(data), format.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
