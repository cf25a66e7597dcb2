package nsis

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/vigilsec/vigil/format"
)

// FuzzNSIS opens arbitrary bytes as an installer and reads every file.
// Nothing may panic; every name must be a valid path. The seeds in
// testdata/fuzz/FuzzNSIS are the fixtures' installer data behind a
// 512-byte fake stub, so the fuzzer spends its time past the PE stub.
func FuzzNSIS(f *testing.F) {
	for _, name := range []string{"lzma.exe", "fail_truncated.exe"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("MZ"))
	// The walker bounds the bytes read over all entries; the harness does
	// the same so that one input cannot take seconds.
	lim := format.Limits{MaxEntries: 1000, MaxEntryBytes: 256 << 10, MaxTotalBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := Format.Open("fuzz.exe", bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		budget := lim.MaxTotalBytes
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !fs.ValidPath(p) {
				t.Fatalf("invalid path %q", p)
			}
			if d.IsDir() {
				return nil
			}
			file, err := fsys.Open(p)
			if err != nil {
				return nil
			}
			n, _ := io.CopyN(io.Discard, file, budget)
			file.Close()
			if budget -= n; budget <= 0 {
				return fs.SkipAll
			}
			return nil
		})
		fsys.(format.ProblemReporter).Problems()
	})
}
