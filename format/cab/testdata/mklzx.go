//go:build ignore

// Command mklzx writes an LZX cabinet of the named files with package
// lzxenc, for make-fixtures.sh: go run mklzx.go OUT WINDOWBITS FILE...
// Set E8=1 for call translation.

package main

import (
	"os"
	"strconv"

	"github.com/vigilsec/vigil/format/cab/internal/lzxenc"
)

func main() {
	bits, _ := strconv.Atoi(os.Args[2])
	var files []lzxenc.File
	for _, p := range os.Args[3:] {
		b, _ := os.ReadFile(p)
		files = append(files, lzxenc.File{Name: p, Data: b})
	}
	os.WriteFile(os.Args[1], lzxenc.Cabinet(files, lzxenc.Options{WindowBits: bits, E8: os.Getenv("E8") != "", BlockSize: 50000, Types: []int{1, 2, 3, 2}}), 0o644)
}
