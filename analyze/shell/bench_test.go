package shell

import (
	"os"
	"testing"

	"github.com/vigilsec/vigil/analyze"
)

// BenchmarkConfigure measures throughput on a real autoconf configure
// script (16,000 lines) from the corpus.
func BenchmarkConfigure(b *testing.B) {
	var f *analyze.File
	for _, x := range release(b, "tarball-autoreconf", "after") {
		if x.Path == "tidyconf-2.1.0/configure" {
			f = x
		}
	}
	if f == nil {
		b.Skip("configure not found")
	}
	b.SetBytes(int64(len(f.Data)))
	for b.Loop() {
		(Analyzer{}).Analyze(f)
	}
}

func BenchmarkFile(b *testing.B) {
	p := os.Getenv("BENCHFILE")
	if p == "" {
		b.Skip()
	}
	data, _ := os.ReadFile(p)
	f := &analyze.File{Path: p, Data: data, Size: int64(len(data)), Kind: analyze.Shell}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		(Analyzer{}).Analyze(f)
	}
}
