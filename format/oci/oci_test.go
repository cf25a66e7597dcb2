package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/formattest"
)

func openTar(t testing.TB, name string) (fs.FS, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !Format.Match(name, b[:min(len(b), 4096)]) {
		t.Errorf("%s: Match = false", name)
	}
	return Format.Open(name, bytes.NewReader(b), format.DefaultLimits)
}

// listing returns "path content" lines for every file but the config,
// newlines in content written as "|", as expected.txt has them.
func listing(t *testing.T, fsys fs.FS) string {
	var b strings.Builder
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ConfigName {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			t.Error(err)
		}
		b.WriteString(p + " " + strings.ReplaceAll(strings.TrimSuffix(string(data), "\n"), "\n", "|") + "\n")
		return nil
	})
	return b.String()
}

func problems(fsys fs.FS) []format.Problem { return fsys.(format.ProblemReporter).Problems() }

func TestFlatten(t *testing.T) {
	want, _ := os.ReadFile("testdata/expected.txt")
	layoutDir := os.DirFS("testdata/layout")
	if !IsLayout(layoutDir) {
		t.Error("IsLayout(testdata/layout) = false")
	}
	dir, err := OpenLayout(layoutDir, format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]fs.FS{"layout dir": dir}
	for _, n := range []string{"image-oci.tar", "image-oci.tar.gz", "image-docker.tar"} {
		fsys, err := openTar(t, n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		cases[n] = fsys
	}
	for name, fsys := range cases {
		if got := listing(t, fsys); got != string(want) {
			t.Errorf("%s: flattened image:\n%s\nwant:\n%s", name, got, want)
		}
		if p := problems(fsys); len(p) != 0 {
			t.Errorf("%s: problems %+v", name, p)
		}
		cfg, err := fs.ReadFile(fsys, ConfigName)
		if err != nil || !bytes.Contains(cfg, []byte(`"Entrypoint":["/usr/bin/hello"]`)) {
			t.Errorf("%s: config = %q, %v", name, cfg, err)
		}
	}
}

func TestDigestMismatch(t *testing.T) {
	fsys, err := openTar(t, "fail_digest.tar")
	if err != nil {
		t.Fatal(err)
	}
	p := problems(fsys)
	if len(p) != 1 || p[0].Rule != RuleDigestMismatch || !strings.Contains(p[0].Message, "blobs/sha256/") {
		t.Errorf("problems = %+v", p)
	}
	// The tampered bytes are still shown.
	if b, _ := fs.ReadFile(fsys, "etc/new.conf"); string(b) != "new=2\n" {
		t.Errorf("etc/new.conf = %q", b)
	}
}

func TestMatchCompressed(t *testing.T) {
	// A gzipped tar of anything else is left to the tar format.
	b, _ := os.ReadFile("testdata/fail_plain.tar.gz")
	if Format.Match("fail_plain.tar.gz", b[:min(len(b), 4096)]) {
		t.Error("a gzipped tar of plain files matches")
	}
}

func TestPlainTar(t *testing.T) {
	if _, err := openTar(t, "fail_plain.tar"); !errors.Is(err, format.ErrNotFormat) {
		t.Errorf("plain tar: %v, want ErrNotFormat", err)
	}
	if IsLayout(os.DirFS("testdata")) {
		t.Error("IsLayout(testdata) = true")
	}
}

func TestTotalLimit(t *testing.T) {
	b, _ := os.ReadFile("testdata/image-oci.tar")
	lim := format.DefaultLimits
	lim.MaxTotalBytes = 40 // the first layer's files take 46 bytes
	fsys, err := Format.Open("x.tar", bytes.NewReader(b), lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems(fsys)) == 0 {
		t.Error("no problem reported past MaxTotalBytes")
	}
}

func FuzzOpen(f *testing.F) {
	for _, n := range []string{"image-oci.tar", "image-docker.tar"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := format.DefaultLimits
		lim.MaxTotalBytes = 1 << 20
		Format.Match("x.tar", b[:min(len(b), 4096)])
		fsys, err := Format.Open("x.tar", bytes.NewReader(b), lim)
		if err != nil {
			return
		}
		formattest.ReadAll(fsys)
	})
}

func BenchmarkOpen(b *testing.B) {
	data, _ := os.ReadFile("testdata/image-oci.tar")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Format.Open("x.tar", bytes.NewReader(data), format.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSeveralImages opens a layout whose index names the same image twice
// under two tags: each is shown under its own directory.
func TestSeveralImages(t *testing.T) {
	layout := fstest.MapFS{}
	fs.WalkDir(os.DirFS("testdata/layout"), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(filepath.Join("testdata/layout", p))
			layout[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	var idx v1.IndexManifest
	if err := json.Unmarshal(layout["index.json"].Data, &idx); err != nil {
		t.Fatal(err)
	}
	second := idx.Manifests[0]
	second.Annotations = map[string]string{"org.opencontainers.image.ref.name": "hello:2.0"}
	idx.Manifests = append(idx.Manifests, second)
	layout["index.json"].Data, _ = json.Marshal(idx)

	fsys, err := OpenLayout(layout, format.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"hello:1.0", "hello:2.0"} {
		if b, err := fs.ReadFile(fsys, dir+"/opt/app/c.txt"); err != nil || string(b) != "c\n" {
			t.Errorf("%s: %q, %v", dir, b, err)
		}
		if _, err := fs.Stat(fsys, dir+"/"+ConfigName); err != nil {
			t.Error(err)
		}
	}
	if _, err := fs.Stat(fsys, "hello:1.0/tmp/junk"); err == nil {
		t.Error("whited-out tmp/junk is shown")
	}
}
