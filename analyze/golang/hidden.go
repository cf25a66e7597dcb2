package golang

import (
	"go/ast"
	"go/token"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

// hidden checks one expression that may spell text in a hidden form, and
// reports the text when it turns out to be a command or an endpoint.
func (c *checker) hidden(n ast.Node) {
	switch n := n.(type) {
	case *ast.BasicLit:
		if n.Kind != token.STRING || len(n.Value) < 10 {
			return
		}
		v, ok := literal(n)
		if ok && reversedMarker(v.s) {
			c.reveal(n.Pos(), reverse(v.s), "reversed text")
		}
	case *ast.CompositeLit:
		v, ok := c.ev.eval(n)
		if !ok || !v.isList || len(v.list) < 3 {
			return
		}
		forward := strings.Join(v.list, "")
		if fragments(v.list) {
			c.reveal(n.Pos(), forward, "one-character fragments")
			return
		}
		if c.revealed(forward, false) != nil || c.revealed(strings.Join(v.list, " "), false) != nil {
			return // readable as written: the parts are not hiding anything
		}
		back := make([]string, len(v.list))
		for i, s := range v.list {
			back[len(v.list)-1-i] = s
		}
		for _, t := range [...]struct{ text, how string }{
			{strings.Join(back, ""), "fragments in reverse order"},
			{strings.Join(back, " "), "fragments in reverse order"},
			{reverse(forward), "reversed fragments"},
		} {
			if f := c.revealed(t.text, true); f != nil {
				c.addAt(f.Rule, f.Level, f.Message+" hidden as "+t.how, n.Pos(), f.Match)
				return
			}
		}
	case *ast.CallExpr:
		if !maybeHiding(c.ev.callee(n.Fun), n.Fun) {
			return
		}
		v, ok := c.ev.eval(n)
		if ok && !v.isList && v.how != "" {
			c.reveal(n.Pos(), v.s, v.how)
		}
	}
}

// maybeHiding reports whether a call can fold to hidden text: a
// conversion, a decoder, strings.Join or fmt.Sprintf.
func maybeHiding(name string, fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name == "string"
	case *ast.ArrayType:
		return false
	}
	_, dec := decoders[name]
	return dec || name == "strings.Join" || name == "fmt.Sprintf"
}

// reversedMarker reports whether s reads, backwards, like a URL or a shell.
func reversedMarker(s string) bool {
	return strings.Contains(s, "//:ptth") || strings.Contains(s, "//:sptth") ||
		strings.Contains(s, "hs/nib/") || strings.Contains(s, "hsab/nib/")
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// maxReveal bounds the decoded text judged: commands and URLs are short,
// and the shell rules read every byte given to them.
const maxReveal = 4 << 10

// reveal reports text decoded from a hidden form when it reveals
// something.
func (c *checker) reveal(pos token.Pos, text, how string) {
	if f := c.revealed(text, false); f != nil {
		c.addAt(f.Rule, f.Level, f.Message+" hidden as "+how, pos, f.Match)
	}
}

// revealed judges text recovered from a hidden form: a command the shell
// rules call high, a URL, a public IP address, a credential path or a
// shell's path. Strict mode, for texts merely guessed at (a list read
// backwards), accepts only commands and URLs.
func (c *checker) revealed(text string, strict bool) *report.Finding {
	if text == "" {
		return nil
	}
	if len(text) > maxReveal {
		text = text[:maxReveal]
	}
	if !printable(text) {
		return nil // decoded data, a certificate say, not hidden text
	}
	for _, f := range shell.Inspect([]byte(text)) {
		if f.Level >= report.High {
			return &report.Finding{Rule: RuleHiddenString, Level: report.High, Message: "command (" + f.Message + ")", Match: f.Match}
		}
	}
	for _, h := range endpoint.Find([]byte(text)) {
		a, err := netip.ParseAddr(h.Host)
		if h.Kind == "url" || !strict && h.Kind == "ip" && err == nil && !(a.IsLoopback() || a.IsPrivate() || a.IsUnspecified()) {
			return &report.Finding{Rule: RuleHiddenString, Level: report.High, Message: "endpoint " + h.Value, Match: h.Value}
		}
	}
	if strict {
		return nil
	}
	if p := credentialPath(text); p != "" {
		return &report.Finding{Rule: RuleHiddenString, Level: report.High, Message: "credential path", Match: p}
	}
	for _, sh := range [...]string{"/bin/sh", "/bin/bash", "cmd.exe", "powershell"} {
		if strings.Contains(text, sh) {
			return &report.Finding{Rule: RuleHiddenString, Level: report.High, Message: "shell name", Match: sh}
		}
	}
	return nil
}

// printable reports whether s is text: at most one byte in 32 a control
// character or invalid UTF-8.
func printable(s string) bool {
	bad := 0
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			bad++
		}
	}
	return bad*32 <= len(s)
}
