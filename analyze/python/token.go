package python

import "strings"

// tokKind is what a token is. Comments are dropped by the tokenizer.
type tokKind uint8

const (
	tName tokKind = iota
	tString
	tNumber
	tOp
)

// A token is one Python token, at byte offset off of the source.
type token struct {
	kind tokKind
	text string // as written; for strings, with prefix and quotes
	off  int
}

// A logical line is what Python executes as one statement line: physical
// lines joined inside brackets and after a backslash.
type logical struct {
	indent int // columns of leading blanks, a tab counting as 8
	toks   []token
}

// maxTokens bounds the tokens read from one file.
const maxTokens = 2_000_000

// tokenize splits Python source into logical lines of tokens. It never
// fails: an unterminated string runs to the end of its line (or of the
// file, for a triple-quoted one) and stray bytes become operators.
func tokenize(src string) []logical {
	var lines []logical
	var cur logical
	depth := 0
	atStart := true
	n := 0
	for i := 0; i < len(src) && n < maxTokens; {
		c := src[i]
		if atStart {
			col := 0
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f') {
				if src[j] == '\t' {
					col = col/8*8 + 8
				} else {
					col++
				}
				j++
			}
			cur.indent = col
			i = j
			atStart = false
			continue
		}
		switch {
		case c == '\n':
			i++
			if depth == 0 {
				if len(cur.toks) > 0 {
					lines = append(lines, cur)
				}
				cur = logical{}
				atStart = true
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			i += 2
			if i < len(src) && src[i-1] == '\r' && src[i] == '\n' {
				i++
			}
		case isQuote(c):
			j := stringEnd(src, i)
			cur.toks = append(cur.toks, token{tString, src[i:j], i})
			n++
			i = j
		case isNameStart(c):
			j := i
			for j < len(src) && isNameChar(src[j]) {
				j++
			}
			if j < len(src) && isQuote(src[j]) && isPrefix(src[i:j]) {
				k := stringEnd(src, j)
				cur.toks = append(cur.toks, token{tString, src[i:k], i})
				i = k
			} else {
				cur.toks = append(cur.toks, token{tName, src[i:j], i})
				i = j
			}
			n++
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isNameChar(src[j]) || src[j] == '.') {
				j++
			}
			cur.toks = append(cur.toks, token{tNumber, src[i:j], i})
			n++
			i = j
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			cur.toks = append(cur.toks, token{tOp, src[i : i+1], i})
			n++
			i++
		}
	}
	if len(cur.toks) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// stringEnd returns the end of the string literal whose first quote is
// at q.
func stringEnd(src string, q int) int {
	quote := src[q]
	triple := strings.HasPrefix(src[q:], strings.Repeat(string(quote), 3))
	i := q + 1
	if triple {
		i = q + 3
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i += 2 // a backslash escapes the quote in raw strings too
			continue
		case c == '\n' && !triple:
			return i
		case c == quote:
			if !triple {
				return i + 1
			}
			if strings.HasPrefix(src[i:], strings.Repeat(string(quote), 3)) {
				return i + 3
			}
		}
		i++
	}
	return len(src)
}

func isQuote(c byte) bool { return c == '"' || c == '\'' }
func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// isPrefix reports whether s is a string prefix like r, b, f, rb or Rf.
func isPrefix(s string) bool {
	if len(s) > 2 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if !strings.ContainsRune("rbuf", c) {
			return false
		}
	}
	return true
}

// literal returns the text of a string token without prefix and quotes,
// escapes left as written.
func literal(t token) string {
	s := strings.TrimLeft(t.text, "rRbBuUfF")
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if strings.HasPrefix(s, q) {
			s = strings.TrimPrefix(s, q)
			return strings.TrimSuffix(s, q)
		}
	}
	return s
}
