package msi

import "strings"

// Stream names in an MSI pack two characters of the alphabet below into
// one UTF-16 code point, so that names of up to 62 characters fit the
// compound file's 31-character limit. Table streams start with tableMark.
const (
	alphabet  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
	packTwo   = 0x3800 // 0x3800 + a + b<<6 holds two characters
	packOne   = 0x4800 // 0x4800 + a holds one
	tableMark = 0x4840
)

// decodeName returns the readable name of a stream and whether it holds a
// table.
func decodeName(raw string) (name string, table bool) {
	var b strings.Builder
	for i, r := range raw {
		switch {
		case r == tableMark && i == 0:
			table = true
		case r >= packTwo && r < packOne:
			c := r - packTwo
			b.WriteByte(alphabet[c&0x3F])
			b.WriteByte(alphabet[c>>6&0x3F])
		case r >= packOne && r < tableMark:
			b.WriteByte(alphabet[r-packOne])
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), table
}
