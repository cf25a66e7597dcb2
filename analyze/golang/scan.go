package golang

import (
	"go/scanner"
	"go/token"
	"strconv"

	"github.com/vigilsec/vigil/report"
)

// maxLiterals bounds the string literals of a broken file that are judged.
const maxLiterals = 10000

// scanTokens reads a file go/parser gave up on: a truncated or garbled
// file, or a fragment. Without a tree there are no sinks to follow, so it
// reports exec.Command and friends by name, and the string literals the
// shell rules call high when the file also runs programs.
func scanTokens(src []byte, test bool) []report.Finding {
	fset := token.NewFileSet()
	file := fset.AddFile("x.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	c := &checker{fset: fset, test: test, seen: map[string]bool{}}
	var prev [2]string
	var lits []token.Pos
	var texts []string
	execs := false
	for n := 0; n < 1<<20; n++ {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.STRING:
			if v, err := strconv.Unquote(lit); err == nil && len(texts) < maxLiterals {
				lits, texts = append(lits, pos), append(texts, v)
			}
		case token.IDENT:
			if prev[1] == "." && (prev[0] == "exec" && (lit == "Command" || lit == "CommandContext") ||
				prev[0] == "syscall" && lit == "Exec" || prev[0] == "os" && lit == "StartProcess") {
				execs = true
				c.addAt(RuleExec, report.Low, "runs a program", pos, prev[0]+"."+lit)
			}
		}
		prev[0], prev[1] = prev[1], tok.String()
		if tok == token.IDENT {
			prev[1] = lit
		}
	}
	if execs {
		for i, t := range texts {
			c.inspect(lits[i], t, RuleShellCommand, "shell command in a file that runs programs")
		}
	}
	return c.finish()
}
