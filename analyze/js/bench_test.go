package js

import (
	"path/filepath"
	"testing"
)

// realFiles returns the JavaScript of the newer release of every real npm
// package in the corpus: a node_modules tree as shipped.
func realFiles(b *testing.B) []jsFile {
	corpus := corpusDir(b)
	arts, _ := filepath.Glob(filepath.Join(corpus, "cases", "real-npm-*", "after", "*.tgz"))
	var files []jsFile
	for _, a := range arts {
		files = append(files, readArtifact(b, a)...)
	}
	if len(files) == 0 {
		b.Skip("no real npm packages in the corpus")
	}
	return files
}

// BenchmarkNodeModules analyzes every file of the real npm packages; the
// MB/s figure is bytes of JavaScript per second on one core.
func BenchmarkNodeModules(b *testing.B) {
	files := realFiles(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.data))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			Inspect(f.data)
		}
	}
	b.ReportMetric(float64(len(files)), "files/op")
}

// BenchmarkLargestBundle analyzes the largest single file among them: a
// big minified bundle must cost no more per byte than small files.
func BenchmarkLargestBundle(b *testing.B) {
	var big jsFile
	for _, f := range realFiles(b) {
		if len(f.data) > len(big.data) {
			big = f
		}
	}
	b.SetBytes(int64(len(big.data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Inspect(big.data)
	}
}
