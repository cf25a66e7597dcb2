package tar

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"testing"

	"github.com/vigilsec/vigil/format"
)

// npmLike returns a tgz of about size bytes laid out as npm packs one:
// package/..., JavaScript-like text with the repetition real sources have.
func npmLike(tb testing.TB, size int) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"function", "return", "const", "var", "if", "else", "module", "exports", "require", "this", "null", "undefined", "=>", "{", "}", "(", ")", ";", "\n"}
	for i := 0; buf.Len() < size; i++ {
		var src bytes.Buffer
		n := 2000 + rng.IntN(60000)
		for src.Len() < n {
			if rng.IntN(4) == 0 {
				fmt.Fprintf(&src, "v%d ", rng.Uint32())
			} else {
				src.WriteString(words[rng.IntN(len(words))] + " ")
			}
		}
		hdr := &tar.Header{Name: fmt.Sprintf("package/lib/dir%d/file%d.js", i%37, i), Mode: 0o644, Size: int64(src.Len())}
		if err := tw.WriteHeader(hdr); err != nil {
			tb.Fatal(err)
		}
		tw.Write(src.Bytes())
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// BenchmarkOpenTgz opens a 27 MB npm-like tgz and reads every
// entry; SetBytes counts unpacked bytes.
func BenchmarkOpenTgz(b *testing.B) {
	tgz := npmLike(b, 27<<20)
	var unpacked int64
	for b.Loop() {
		fsys, err := Format.Open("pkg.tgz", bytes.NewReader(tgz), format.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		unpacked = 0
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if d.IsDir() {
				return nil
			}
			f, _ := fsys.Open(p)
			n, _ := io.Copy(io.Discard, f)
			f.Close()
			unpacked += n
			return nil
		})
	}
	b.SetBytes(unpacked)
	b.ReportMetric(float64(len(tgz)), "packed-bytes")
}
