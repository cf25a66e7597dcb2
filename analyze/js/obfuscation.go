package js

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/tdewolff/parse/v2/js"
	"github.com/vigilsec/vigil/report"
)

// obfuscation looks for what javascript-obfuscator leaves behind. No
// minifier produces _0x names, so they count for most; the structural
// signatures catch its other name generators.
func (f *file) obfuscation() {
	hexNames, first := 0, -1
	distinct := map[string]bool{}
	var sigs []string
	sigAt := -1
	sig := func(name string, i int) {
		for _, s := range sigs {
			if s == name {
				return
			}
		}
		sigs = append(sigs, name)
		if sigAt < 0 {
			sigAt = i
		}
	}
	hexNums, nums, fuck := 0, 0, 0
	for i := range f.toks {
		if t := f.toks[i].t; js.IsNumeric(t) {
			nums++
			if t == js.HexadecimalToken {
				hexNums++
			}
		}
		switch f.toks[i].t {
		case js.OpenBracketToken, js.CloseBracketToken, js.OpenParenToken, js.CloseParenToken, js.NotToken, js.AddToken:
			fuck++
		}
		switch f.toks[i].t {
		case js.IdentifierToken:
			if isHexName(f.text(i)) {
				hexNames++
				if first < 0 {
					first = i
				}
				if len(distinct) < 64 {
					distinct[string(f.text(i))] = true
				}
			} else if f.is(i, "parseInt") && f.checksum(i) {
				sig("parseInt(...)/0x1 checksum", i)
			}
			if f.selfRedefining(i) {
				sig("self-redefining string-array function", i)
			}
			// {d=d-0x12c;: the string array accessor's index shift.
			if f.is(i-1, "{") && f.is(i+1, "=") && string(f.text(i+2)) == string(f.text(i)) && f.is(i+3, "-") && f.typ(i+4) == js.HexadecimalToken {
				sig("string-array index shift", i)
			}
		case js.WhileToken:
			// while(!![]): the dispatcher loop of control-flow flattening.
			if f.is(i+1, "(") && f.is(i+2, "!") && f.is(i+3, "!") && f.is(i+4, "[") && f.is(i+5, "]") {
				sig("while(!![]) control-flow flattening", i)
			}
		case js.StringToken:
			// a['push'](a['shift']()): the string array rotation.
			if f.is(i-1, "[") && f.is(i+1, "]") && f.is(i+2, "(") && f.str(i) == "push" {
				if j := i + 3; f.isIdent(j) && f.is(j+1, "[") && f.isStr(j+2) && f.str(j+2) == "shift" {
					sig("string-array rotation", i)
				}
			}
		}
	}
	// Every number written in hex is the obfuscator's habit; crypto code
	// has many hex constants too, so this only ever counts as a second
	// signature.
	if hexNums >= 20 && hexNums*10 >= nums*9 && len(sigs) > 0 {
		sig("hexadecimal number literals", 0)
	}
	// JSFuck writes any program with the six characters []()!+.
	if len(f.toks) >= 1000 && fuck*100 >= len(f.toks)*95 {
		i := f.add(RuleObfuscator, report.High, int(f.toks[0].s), "JSFuck: code written with []()!+",
			"JSFuck-style code: the program is spelled with []()!+ so that nobody can read it")
		mark(&f.obfuscated, i)
	}
	if !(hexNames >= 30 && len(distinct) >= 5 || hexNames >= 8 && len(sigs) > 0 || len(sigs) >= 2) {
		return
	}
	at := first
	if at < 0 {
		at = sigAt
	}
	sort.Strings(sigs)
	if hexNames > 0 {
		sigs = append([]string{"_0x identifiers"}, sigs...)
	}
	i := f.add(RuleObfuscator, report.High, int(f.toks[at].s), "javascript-obfuscator: "+strings.Join(sigs, ", "),
		fmt.Sprintf("javascript-obfuscator output (%d _0x identifiers; %s): the code is written to resist review", hexNames, strings.Join(sigs, ", ")))
	mark(&f.obfuscated, i)
}

// isHexName reports whether b is an identifier like _0x1a2b.
func isHexName(b []byte) bool {
	if len(b) < 7 || b[0] != '_' || b[1] != '0' || b[2] != 'x' {
		return false
	}
	for _, c := range b[3:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checksum reports whether the parseInt at token i is divided by a hex
// literal: parseInt(_0x1(0x1a))/0x1 is the rotation loop's check sum.
func (f *file) checksum(i int) bool {
	if !f.is(i+1, "(") || f.member(i) {
		return false
	}
	end := f.closing(i + 1)
	if end < 0 || f.typ(end+1) != js.DivToken {
		return false
	}
	n := f.text(end + 2)
	return f.typ(end+2) == js.HexadecimalToken && len(n) > 2 && f.isIdent(i+2) && f.is(i+3, "(")
}

// longLines reports one line of code much longer than all the others:
// injected code appended to a readable file. A wholly minified file, with
// or without a licence comment on top, is normal and gets only a low
// finding; comments (inline source maps) do not count as code.
func (f *file) longLines() {
	const long = 4096
	type span struct{ start, end int }
	var lines []span // lines that hold code, in order
	end := -1
	for _, t := range f.toks {
		s := int(t.s)
		if s < end {
			continue // same line as the previous token
		}
		start := bytes.LastIndexByte(f.src[:s], '\n') + 1
		end = len(f.src)
		if n := bytes.IndexByte(f.src[s:], '\n'); n >= 0 {
			end = s + n
		}
		lines = append(lines, span{start, end})
	}
	longest := -1
	for i, l := range lines {
		if l.end-l.start >= long && (longest < 0 || l.end-l.start > lines[longest].end-lines[longest].start) {
			longest = i
		}
	}
	if longest < 0 {
		return
	}
	short := 0
	for _, l := range lines {
		if l.end-l.start < 200 {
			short++
		}
	}
	others := len(lines) - 1
	l := lines[longest]
	n := l.end - l.start
	if others >= 10 && short*10 >= others*9 {
		f.add(RuleLongLine, report.Medium, l.start, "one very long line among short ones",
			fmt.Sprintf("a %d-byte line among %d short lines of code: code appended where a diff viewer does not show it (%s)", n, others, report.Snippet(string(f.src[l.start:l.start+60]))))
		return
	}
	f.add(RuleLongLine, report.Low, l.start, "minified line",
		fmt.Sprintf("a %d-byte line; minified code cannot be reviewed as written", n))
}

// selfRedefining reports whether token i starts a = function () { return
// b; }; return a();: how javascript-obfuscator's string array function
// replaces itself with its cached array on the first call.
func (f *file) selfRedefining(i int) bool {
	if !f.is(i+1, "=") || f.typ(i+2) != js.FunctionToken {
		return false
	}
	want := []string{"(", ")", "{", "return", "", "}", "return", string(f.text(i)), "(", ")"}
	j := i + 3
	for _, w := range want {
		if f.is(j, ";") {
			j++
		}
		switch {
		case w == "" && f.isIdent(j):
		case w != "" && f.is(j, w):
		default:
			return false
		}
		j++
	}
	return true
}
