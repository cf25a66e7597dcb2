package pe

import (
	"os"
	"testing"

	"github.com/vigilsec/vigil/analyze"
)

// BenchmarkLarge measures a large real image named by $VIGIL_BENCH_PE
// (for example mingw's 23 MB libstdc++-6.dll with symbols); skipped
// without it.
func BenchmarkLarge(b *testing.B) {
	name := os.Getenv("VIGIL_BENCH_PE")
	if name == "" {
		b.Skip("set VIGIL_BENCH_PE to a large PE file")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	f := &analyze.File{Path: name, Data: data, Size: int64(len(data)), Kind: analyze.PE}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Analyzer{}.Analyze(f)
		Analyzer{}.Record(f, map[string]string{})
	}
}
