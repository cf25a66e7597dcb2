package js

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// unquote returns the value of a string literal or of a template literal
// without substitutions, and whether it spelled a plain ASCII letter or
// digit with an escape: "\x65\x76\x61\x6c" is eval written to be unreadable.
// Minifiers escape quotes, control and non-ASCII characters, never letters.
func unquote(raw []byte) (val string, hidden bool) {
	if len(raw) < 2 {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if len(raw) >= 2 && raw[0] == '`' && raw[len(raw)-1] != '`' {
		body = raw[1:] // a template's first piece ends in "${"
		if n := len(body); n >= 2 && body[n-2] == '$' && body[n-1] == '{' {
			body = body[:n-2]
		}
	}
	if !containsByte(body, '\\') {
		return string(body), false
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 == len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		var r rune = -1
		switch c := body[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case '\r', '\n': // line continuation
		case 'x':
			if i+3 <= len(body) {
				if v, err := strconv.ParseUint(string(body[i+1:i+3]), 16, 8); err == nil {
					r = rune(v)
					i += 2
				}
			}
		case 'u':
			if i+1 < len(body) && body[i+1] == '{' {
				if end := indexByteFrom(body, '}', i+2); end > 0 && end-i < 10 {
					if v, err := strconv.ParseUint(string(body[i+2:end]), 16, 32); err == nil {
						r = rune(v)
						i = end
					}
				}
			} else if i+5 <= len(body) {
				if v, err := strconv.ParseUint(string(body[i+1:i+5]), 16, 16); err == nil {
					r = rune(v)
					i += 4
				}
			}
		default:
			b.WriteByte(c)
		}
		if r >= 0 {
			if r < 0x80 && isWordByte(byte(r)) {
				hidden = true
			}
			b.WriteRune(r)
		}
	}
	return b.String(), hidden
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func indexByteFrom(b []byte, c byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// obfuscatorBase64 is the alphabet javascript-obfuscator's string array
// encoding uses: lower case first.
var obfuscatorBase64 = base64.NewEncoding("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/").WithPadding(base64.NoPadding)

// decodings returns the readable texts s may encode as hex or base64 (in
// the standard, URL and obfuscator alphabets), each with the encoding's
// name. Decodings that are not printable text are dropped.
func decodings(s string) (texts, names []string) {
	add := func(b []byte, name string) {
		if len(b) > 0 && printable(b) {
			texts = append(texts, string(b))
			names = append(names, name)
		}
	}
	if len(s)%2 == 0 && isHex(s) {
		b, _ := hex.DecodeString(s)
		add(b, "hex")
		return texts, names // hex digits are base64 too; do not decode twice
	}
	if !isBase64(s) {
		return nil, nil
	}
	trimmed := strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(trimmed); err == nil {
		add(b, "base64")
	} else if b, err := base64.RawURLEncoding.DecodeString(trimmed); err == nil {
		add(b, "base64")
	}
	if b, err := obfuscatorBase64.DecodeString(trimmed); err == nil {
		add(b, "obfuscator base64")
	}
	return texts, names
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isBase64(s string) bool {
	if len(s) < 4 {
		return false
	}
	pad := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			pad++
		case pad > 0:
			return false
		case !(isWordByte(c) && c != '_' || c == '+' || c == '/' || c == '-' || c == '_'):
			return false
		}
	}
	return pad <= 2
}

// printable reports whether b is UTF-8 text without control characters
// other than white space.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
