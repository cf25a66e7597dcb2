package js

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/tdewolff/parse/v2/js"
)

// unpack returns the source packed by Dean Edwards' packer in the call
// eval(function(p,a,c,k,e,d){...}('payload',a,c,'w|o|r|d|s'.split('|'),...))
// whose function keyword is token fn, or "" if the call has another shape.
// Unpacking is a word substitution; nothing is run.
func (f *file) unpack(fn int) string {
	params := f.closing(fn + 1)
	if params < 0 || !f.is(params+1, "{") {
		return ""
	}
	body := f.closing(params + 1)
	a := body + 2 // 'payload', a, c, 'words'.split('|')
	if body < 0 || !f.is(body+1, "(") || !f.isStr(a) || !f.is(a+1, ",") || f.typ(a+2) != js.IntegerToken && !js.IsNumeric(f.typ(a+2)) ||
		!f.is(a+3, ",") || !f.is(a+5, ",") || !f.isStr(a+6) {
		return ""
	}
	radix, err := strconv.Atoi(string(f.text(a + 2)))
	if err != nil || radix < 2 || radix > 62 {
		return ""
	}
	payload, words := f.str(a), strings.Split(f.str(a+6), "|")
	return packedWord.ReplaceAllStringFunc(payload, func(w string) string {
		if n := packedNumber(w, radix); n >= 0 && n < len(words) && words[n] != "" {
			return words[n]
		}
		return w
	})
}

var packedWord = regexp.MustCompile(`\b\w+\b`)

// packedNumber reads w in the packer's digits 0-9a-zA-Z, or returns -1.
func packedNumber(w string, radix int) int {
	n := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case 'a' <= c && c <= 'z':
			d = int(c-'a') + 10
		case 'A' <= c && c <= 'Z':
			d = int(c-'A') + 36
		default:
			return -1
		}
		if d >= radix || n > 1<<24 {
			return -1
		}
		n = n*radix + d
	}
	return n
}
