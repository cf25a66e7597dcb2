// Package binary is the fallback analyzer for binary files no other
// analyzer understands, and the home of the helpers every binary analyzer
// shares: printable-string extraction, entropy and endpoint findings.
package binary

import (
	"math"
	"sort"
	"unicode/utf16"
)

// MinString is the shortest run of printable characters kept as a string.
// Shorter runs are mostly opcodes that happen to be printable.
const MinString = 6

// MaxStrings bounds how many strings one file yields, so that a file of
// nothing but short printable runs cannot make analysis quadratic.
const MaxStrings = 200_000

// String is one run of printable text found in binary data.
type String struct {
	Offset int64  // byte offset of the first character in the data
	Text   string // the characters, as ASCII
	Wide   bool   // stored as UTF-16LE (two bytes per character)
}

// Strings returns the runs of at least MinString printable ASCII characters
// in data, stored either as single bytes or as UTF-16LE (how Windows
// programs and .NET assemblies keep most of their text), in order of
// offset, at most MaxStrings of them.
func Strings(data []byte) []String {
	var out []String
	start := -1
	for i := 0; i <= len(data) && len(out) < MaxStrings; i++ {
		if i < len(data) && printable(data[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= MinString {
			out = append(out, String{Offset: int64(start), Text: string(data[start:i])})
		}
		start = -1
	}
	for _, par := range []int{0, 1} {
		out = appendWide(out, data, par)
	}
	sortByOffset(out)
	return out
}

// appendWide adds the UTF-16LE runs that start at offsets of parity par.
func appendWide(out []String, data []byte, par int) []String {
	start := -1
	var run []uint16
	for i := par; i+1 <= len(data) && len(out) < MaxStrings; i += 2 {
		ok := i+1 < len(data) && data[i+1] == 0 && printable(data[i])
		if ok {
			if start < 0 {
				start = i
				run = run[:0]
			}
			run = append(run, uint16(data[i]))
			continue
		}
		if start >= 0 && len(run) >= MinString {
			out = append(out, String{Offset: int64(start), Text: string(utf16.Decode(run)), Wide: true})
		}
		start = -1
	}
	return out
}

func printable(b byte) bool { return b >= 0x20 && b < 0x7f || b == '\t' }

func sortByOffset(s []String) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Offset != s[j].Offset {
			return s[i].Offset < s[j].Offset
		}
		return !s[i].Wide && s[j].Wide
	})
}

// Entropy returns the Shannon entropy of b in bits per byte (0 to 8).
// Compressed or encrypted data scores near 8; code near 6; text near 4.5.
func Entropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var count [256]int
	for _, c := range b {
		count[c]++
	}
	n := float64(len(b))
	var h float64
	for _, c := range count {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}
