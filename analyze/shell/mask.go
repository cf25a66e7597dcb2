package shell

import (
	"bytes"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

type dialect int

const (
	dialectAny dialect = iota // a fragment of unknown dialect
	dialectPOSIX
	dialectM4
	dialectPowerShell
	dialectBatch
)

// maxParse bounds the scripts handed to the shell parser; longer ones are
// read line by line, as m4 is.
const maxParse = 4 << 20

// mask returns a copy of script, the same length, in which every byte that
// is not code (comments, here-document text fed to a command that does not
// run it) is a space and every line continuation is joined, so that a
// logical line is one line and offsets still point into script.
func mask(script []byte, d dialect) []byte {
	buf := bytes.Clone(script)
	switch d {
	case dialectPOSIX, dialectAny:
		// Without a # or a < there is no comment or here-doc to mask.
		if bytes.ContainsAny(script, "#<") && !maskParsed(buf, script) {
			maskLines(buf, "#")
		}
		joinLines(buf, '\\')
	case dialectM4:
		maskLines(buf, "#", "dnl ", "dnl\t", "dnl\n")
		joinLines(buf, '\\')
	case dialectPowerShell:
		maskPowerShell(buf)
		joinLines(buf, '`')
	case dialectBatch:
		maskLines(buf, "rem ", "rem\t", "::", "@rem ")
		joinLines(buf, '^')
	}
	// A carriage return is a blank to every rule, as to cmd.exe.
	for i, c := range buf {
		if c == '\r' {
			buf[i] = ' '
		}
	}
	return buf
}

// maskParsed parses script as bash and blanks its comments and here-doc
// bodies. It reports false when the script does not parse.
func maskParsed(buf, script []byte) (ok bool) {
	if len(script) > maxParse {
		return false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	f, err := syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash)).
		Parse(bytes.NewReader(script), "")
	if err != nil {
		return false
	}
	run := map[*syntax.Word]bool{} // here-docs piped into an interpreter
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			if (n.Op == syntax.Pipe || n.Op == syntax.PipeAll) && runsCode(n.Y) {
				for _, r := range n.X.Redirs {
					run[r.Hdoc] = true
				}
			}
		case *syntax.Stmt:
			for _, r := range n.Redirs {
				if r.Hdoc != nil && !run[r.Hdoc] && !runsCode(n) && !writesFile(n) {
					blank(buf, int(r.Hdoc.Pos().Offset()), int(r.Hdoc.End().Offset()))
				}
			}
		case *syntax.Comment:
			blank(buf, int(n.Pos().Offset()), int(n.End().Offset()))
		}
		return true
	})
	return true
}

// runsCode reports whether a statement is a call of an interpreter, which
// would run a here-document as code.
func runsCode(s *syntax.Stmt) bool {
	c, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 {
		return false
	}
	return interpreters[path.Base(c.Args[0].Lit())] || c.Args[0].Lit() == "eval"
}

// writesFile reports whether a statement writes its output to a file, as
// cat >config.status <<EOF does: a here-doc that becomes a script is code.
// Usage text goes to the terminal (cat <<EOF, cat >&2 <<EOF) and is not.
func writesFile(s *syntax.Stmt) bool {
	for _, r := range s.Redirs {
		if (r.Op == syntax.RdrOut || r.Op == syntax.AppOut) && r.Word != nil && r.Word.Lit() != "/dev/null" {
			return true
		}
	}
	return false
}

// blank replaces buf[i:j] with spaces, keeping newlines.
func blank(buf []byte, i, j int) {
	if i < 0 || j > len(buf) || i > j {
		return
	}
	for k := i; k < j; k++ {
		if buf[k] != '\n' {
			buf[k] = ' '
		}
	}
}

// maskLines blanks every line whose first word starts with one of the
// comment markers, compared without regard to case.
func maskLines(buf []byte, markers ...string) {
	for start := 0; start < len(buf); {
		end := bytes.IndexByte(buf[start:], '\n')
		if end < 0 {
			end = len(buf)
		} else {
			end += start
		}
		line := bytes.TrimLeft(buf[start:end], " \t@")
		for _, m := range markers {
			if len(line) >= len(m) && strings.EqualFold(string(line[:len(m)]), m) ||
				strings.TrimSpace(m) == strings.ToLower(strings.TrimSpace(string(line))) {
				blank(buf, start, end)
				break
			}
		}
		start = end + 1
	}
}

// maskPowerShell blanks <# block comments #> and # line comments that
// start a line.
func maskPowerShell(buf []byte) {
	for i := 0; ; {
		j := bytes.Index(buf[i:], []byte("<#"))
		if j < 0 {
			break
		}
		j += i
		k := bytes.Index(buf[j:], []byte("#>"))
		if k < 0 {
			k = len(buf)
		} else {
			k += j + 2
		}
		blank(buf, j, k)
		i = k
	}
	maskLines(buf, "#")
}

// joinLines turns each continuation (cont followed by a newline) into two
// spaces, so the logical line reads as one.
func joinLines(buf []byte, cont byte) {
	for i := 0; i+1 < len(buf); i++ {
		if buf[i] == cont && buf[i+1] == '\n' {
			buf[i], buf[i+1] = ' ', ' '
		} else if buf[i] == cont && buf[i+1] == '\r' && i+2 < len(buf) && buf[i+2] == '\n' {
			buf[i], buf[i+1], buf[i+2] = ' ', ' ', ' '
		}
	}
}
