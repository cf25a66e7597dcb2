//go:build ignore

// Command corrupt overwrites bytes of one stream of a compound file in
// place, for make-fixtures.sh: go run corrupt.go FILE STREAM OFFSET HEXBYTES.
// STREAM is the stream's MSI name; a leading "!" marks a table stream.
package main

import (
	"encoding/hex"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/richardlehane/mscfb"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

// encode packs an MSI stream name the way Windows Installer does.
func encode(name string) string {
	var out []rune
	if n, ok := strings.CutPrefix(name, "!"); ok {
		out, name = append(out, 0x4840), n
	}
	for i := 0; i < len(name); i++ {
		a := strings.IndexByte(alphabet, name[i])
		if a < 0 {
			out = append(out, rune(name[i]))
			continue
		}
		if i+1 < len(name) {
			if b := strings.IndexByte(alphabet, name[i+1]); b >= 0 {
				out = append(out, rune(0x3800+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+a))
	}
	return string(out)
}

func main() {
	f, err := os.OpenFile(os.Args[1], os.O_RDWR, 0)
	if err != nil {
		log.Fatal(err)
	}
	off, _ := strconv.ParseInt(os.Args[3], 10, 64)
	data, err := hex.DecodeString(os.Args[4])
	if err != nil {
		log.Fatal(err)
	}
	doc, err := mscfb.New(f)
	if err != nil {
		log.Fatal(err)
	}
	want := encode(os.Args[2])
	for _, s := range doc.File {
		if s.Name == want {
			if _, err := s.WriteAt(data, off); err != nil {
				log.Fatal(err)
			}
			return
		}
	}
	log.Fatalf("no stream %q", os.Args[2])
}
