package golang

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkNet analyzes every .go file of GOROOT/src/net.
func BenchmarkNet(b *testing.B) {
	root := filepath.Join(goroot(b), "net")
	var files [][]byte
	var names []string
	size := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			if data, err := os.ReadFile(p); err == nil {
				files, names = append(files, data), append(names, p)
				size += len(data)
			}
		}
		return nil
	})
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for i, f := range files {
			analyzeBytes(names[i], f)
		}
	}
}
