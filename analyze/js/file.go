package js

import (
	"bytes"
	"sort"

	"github.com/tdewolff/parse/v2/js"
	"github.com/vigilsec/vigil/report"
)

// file is the state of one analysis: the source, its tokens, the findings
// so far and the capabilities seen, which the combination rules read.
type file struct {
	src      []byte
	toks     []tok
	lines    []int   // byte offset of each line start, built on first use
	pairs    []int32 // index of the matching bracket, built on first use
	findings []report.Finding
	seen     map[string]int // rule + match → index in findings

	// Token indexes of network uses and of dynamic code on computed
	// input, so that one can be judged by its distance to the other.
	netAt, dynAt, envAt, decipherAt []int
	envSent                         int             // token of JSON.stringify(process.env), or -1
	netNames                        map[string]bool // names bound to a network module
	depth                           int             // how many decodings deep this source is

	// Capabilities, each the index of the finding that first showed it
	// (-1 if none), for the combination rules.
	obfuscated, network, exec, dynamic, decode, credential, envDump, hook, wallet int
}

func newFile(src []byte) *file {
	return &file{
		src: src, toks: tokenize(src), seen: map[string]int{}, netNames: map[string]bool{},
		obfuscated: -1, network: -1, exec: -1, dynamic: -1, decode: -1,
		credential: -1, envDump: -1, hook: -1, wallet: -1, envSent: -1,
	}
}

// run applies every rule, the combinations last.
func (f *file) run() {
	f.obfuscation()
	f.longLines()
	f.scan()
	f.combinations()
}

// text returns the bytes of token i, or nil when i is out of range, so
// that rules can look around a token without bounds checks.
func (f *file) text(i int) []byte {
	if i < 0 || i >= len(f.toks) {
		return nil
	}
	return f.src[f.toks[i].s:f.toks[i].e]
}

// is reports whether token i is exactly s.
func (f *file) is(i int, s string) bool { return string(f.text(i)) == s }

func (f *file) typ(i int) js.TokenType {
	if i < 0 || i >= len(f.toks) {
		return js.ErrorToken
	}
	return f.toks[i].t
}

// isStr reports whether token i is a string literal or a template
// literal without substitutions.
func (f *file) isStr(i int) bool {
	t := f.typ(i)
	return t == js.StringToken || t == js.TemplateToken
}

// str returns the value of the literal at token i.
func (f *file) str(i int) string {
	v, _ := unquote(f.text(i))
	return v
}

// isIdent reports whether token i is an identifier or a word that may be
// used as one (async, from, of ...).
func (f *file) isIdent(i int) bool {
	t := f.typ(i)
	return t == js.IdentifierToken || js.IsIdentifier(t)
}

// member reports whether token i is a property name after a dot.
func (f *file) member(i int) bool {
	return f.typ(i-1) == js.DotToken || f.typ(i-1) == js.OptChainToken
}

// maxArgTokens bounds how many tokens of one call's arguments a rule
// reads, so that calls nested in calls cost linear time overall.
const maxArgTokens = 400

// closing returns the index of the bracket closing the one at open, or
// -1 if it is unbalanced. The pairs are found once, with a stack.
func (f *file) closing(open int) int {
	if f.pairs == nil {
		f.pairs = make([]int32, len(f.toks))
		var stack []int32
		for i, t := range f.toks {
			f.pairs[i] = -1
			switch t.t {
			case js.OpenParenToken, js.OpenBracketToken, js.OpenBraceToken, js.TemplateStartToken:
				stack = append(stack, int32(i))
			case js.CloseParenToken, js.CloseBracketToken, js.CloseBraceToken, js.TemplateEndToken:
				if n := len(stack); n > 0 {
					f.pairs[stack[n-1]] = int32(i)
					stack = stack[:n-1]
				}
			}
		}
	}
	if open < 0 || open >= len(f.pairs) {
		return -1
	}
	return int(f.pairs[open])
}

// args returns the token range (open+1, close) of the call whose "(" is
// at open; close is -1 when it cannot be found.
func (f *file) args(open int) (int, int) {
	if f.typ(open) != js.OpenParenToken {
		return open, -1
	}
	return open + 1, f.closing(open)
}

// literalArgs reports whether the tokens [from, to) are only string
// literals joined by commas or +: code that is fixed in the file.
func (f *file) literalArgs(from, to int) bool {
	if to < 0 {
		return false
	}
	if to-from > maxArgTokens {
		return false
	}
	for i := from; i < to; i++ {
		switch t := f.toks[i].t; {
		case f.isStr(i), t == js.CommaToken, t == js.AddToken:
		default:
			return false
		}
	}
	return true
}

// literals returns the values of the string and template pieces in
// [from, to), joined by spaces: the readable part of a command line.
func (f *file) literals(from, to int) (string, int) {
	var b bytes.Buffer
	first := -1
	for i := from; i < to && i < len(f.toks) && i < from+maxArgTokens; i++ {
		switch f.toks[i].t {
		case js.StringToken, js.TemplateToken, js.TemplateStartToken, js.TemplateMiddleToken, js.TemplateEndToken:
			v := f.templatePiece(i)
			if v == "" {
				continue
			}
			if first < 0 {
				first = i
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v)
		}
	}
	return b.String(), first
}

// templatePiece returns the text of a string token or of one piece of a
// template literal, without its delimiters.
func (f *file) templatePiece(i int) string {
	raw := f.text(i)
	switch f.typ(i) {
	case js.StringToken, js.TemplateToken:
		return f.str(i)
	case js.TemplateStartToken: // `abc${
		v, _ := unquote(raw)
		return v
	case js.TemplateMiddleToken, js.TemplateEndToken: // }abc${ or }abc`
		raw = raw[1:]
		raw = bytes.TrimSuffix(raw, []byte("${"))
		raw = bytes.TrimSuffix(raw, []byte("`"))
		v, _ := unquote(append(append([]byte{'`'}, raw...), '`'))
		return v
	}
	return ""
}

// add records a finding at byte offset off, once per rule and match, and
// returns its index (or -1 when dropped).
func (f *file) add(rule string, level report.Level, off int, match, msg string) int {
	match = report.Snippet(match)
	key := rule + "\x00" + match
	if i, ok := f.seen[key]; ok {
		if level > f.findings[i].Level { // keep the highest level seen
			f.findings[i].Level = level
			f.findings[i].Message = msg
		}
		return i
	}
	if len(f.findings) >= maxFindings {
		return -1
	}
	f.seen[key] = len(f.findings)
	line, col := f.position(off)
	f.findings = append(f.findings, report.Finding{
		Rule: rule, Level: level, Message: msg,
		Line: line, Column: col, Offset: int64(off), Match: match,
	})
	return len(f.findings) - 1
}

// position returns the 1-based line and column (in bytes) of offset off.
func (f *file) position(off int) (int, int) {
	if f.lines == nil {
		f.lines = []int{0}
		for i := 0; ; {
			j := bytes.IndexByte(f.src[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			f.lines = append(f.lines, i)
		}
	}
	n := sort.SearchInts(f.lines, off+1) // lines starting at or before off
	return n, off - f.lines[n-1] + 1
}

// mark sets a capability to finding index i unless already set.
func mark(c *int, i int) {
	if *c < 0 && i >= 0 {
		*c = i
	}
}
