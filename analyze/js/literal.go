package js

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/tdewolff/parse/v2/js"
	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/report"
)

// literal applies the rules for the string literal at token i: names
// hidden by escapes, hex, base64 or splitting, credential stores and
// network endpoints.
func (f *file) literal(i int) {
	raw := f.text(i)
	val, escaped := unquote(raw)
	if escaped {
		if name := sensitive(val); name != "" {
			f.hidden(i, name, "escape sequences", raw)
		}
	}
	if len(val) >= 6 && len(val) <= maxBlob {
		texts, encs := decodings(val)
		for k, t := range texts {
			if u := hiddenURL(t); u != "" {
				idx := f.add(RuleHiddenName, report.High, f.off(i), u+" ("+encs[k]+")",
					fmt.Sprintf("the string %s is the URL %s written in %s: an endpoint hidden from review", report.Snippet(string(raw[:min(len(raw), 60)])), u, encs[k]))
				mark(&f.decode, idx)
				mark(&f.network, idx)
				break
			}
			name := sensitive(t)
			if name == "" {
				continue
			}
			if len(t) < blobMin {
				f.hidden(i, name, encs[k], raw)
				break
			}
			// A script, not a name: bundlers embed workers this way, so
			// what it does is judged by reading it, not by its wrapping.
			mark(&f.decode, f.add(RuleEncodedBlob, report.Medium, f.off(i), encs[k]+"(<"+strconv.Itoa(len(val))+" chars>)",
				fmt.Sprintf("a %d-character %s literal decodes to a script naming %s", len(val), encs[k], name)))
			f.command(t, f.off(i))
			f.nested(t, f.off(i))
			break
		}
	}
	// 'ssecorp_dlihc'.split('').reverse().join('')
	if n := len(val); n >= 6 && n <= 64 {
		if name := sensitive(reverse(val)); name != "" && sensitive(val) == "" {
			f.hidden(i, name, "reverse", raw)
		}
	}
	// 'chi' + 'ld_pro' + 'cess': a name split so that no piece shows it.
	if f.is(i+1, "+") && f.isStr(i+2) && !(f.is(i-1, "+") && f.isStr(i-2)) {
		f.split(i)
	}
	f.places(i, val)
}

// places reports the credential stores and network endpoints named in
// val, the text of the string or template piece at token i.
func (f *file) places(i int, val string) {
	if name := credential(val); name != "" {
		mark(&f.credential, f.add(RuleCredential, report.Medium, f.off(i), name,
			fmt.Sprintf("names the credential store %q", name)))
	}
	if strings.IndexByte(val, '.') >= 0 && len(val) <= 4096 {
		for _, h := range endpoint.Find([]byte(val)) {
			level := report.Low
			if a, err := netip.ParseAddr(h.Host); err == nil && a.IsGlobalUnicast() && !a.IsPrivate() {
				level = report.Medium // a raw public IP address
			}
			f.add(RuleEndpoint, level, f.off(i)+1+h.Offset, h.Value, "reaches the network endpoint "+h.Value)
		}
	}
}

// hidden reports a sensitive name encoded in the literal at token i.
func (f *file) hidden(i int, name, encoding string, raw []byte) {
	idx := f.add(RuleHiddenName, report.High, f.off(i), name+" ("+encoding+")",
		fmt.Sprintf("the string %s is %s written in %s: a sensitive name hidden from review", report.Snippet(string(raw[:min(len(raw), 60)])), name, encoding))
	mark(&f.decode, idx)
	// What the name is for counts for the combinations, hidden or not.
	switch name {
	case "child_process", "exec", "execSync", "spawn", "spawnSync", "powershell", "/bin/sh", "/bin/bash", "cmd.exe":
		mark(&f.exec, idx)
	case "http", "https", "fetch", "XMLHttpRequest":
		mark(&f.network, idx)
	case "eval", "Function", "_compile", "eval(", "Function(", "runInThisContext", "runInNewContext":
		mark(&f.dynamic, idx)
	}
}

// split joins a chain of string literals added together, starting at
// token i, and reports a sensitive name that only the whole spells.
func (f *file) split(i int) {
	var parts []string
	for j := i; f.isStr(j) && len(parts) < 32; j += 2 {
		parts = append(parts, f.str(j))
		if !f.is(j+1, "+") {
			break
		}
	}
	whole := strings.Join(parts, "")
	name := sensitive(whole)
	if name == "" {
		return
	}
	for _, p := range parts {
		if strings.Contains(p, name) {
			return
		}
	}
	f.hidden(i, name, fmt.Sprintf("%d pieces", len(parts)), f.text(i))
}

// blobMin is the length from which a literal handed to a decoder is a
// blob rather than a constant; maxBlob bounds the literals decoded.
const (
	blobMin = 64
	maxBlob = 4 << 20
)

// blob handles a literal at token i passed to a decoder (via): a long
// encoded string whose content is only visible at run time.
func (f *file) blob(i int, via string) {
	val := f.str(i)
	if len(val) < blobMin || len(val) > maxBlob || !isBase64(val) && !isHex(val) {
		return
	}
	level := report.Medium
	msg := fmt.Sprintf("decodes a %d-character encoded literal with %s at run time", len(val), via)
	texts, encs := decodings(val)
	if len(texts) > 0 {
		text := texts[0]
		if name := sensitive(text); name != "" {
			level = report.High
			msg += fmt.Sprintf("; the %s decodes to text naming %s", encs[0], name)
		}
		f.command(text, f.off(i)) // a script is a script, however it arrives
		f.nested(text, f.off(i))
	}
	mark(&f.decode, f.add(RuleEncodedBlob, level, f.off(i), via+"(<"+strconv.Itoa(len(val))+" chars>)", msg))
}

// charCodes decodes String.fromCharCode(99, 104, ...) at token i, or
// Buffer.from([99, 104, ...]) when the numbers open with a bracket.
func (f *file) charCodes(i int, via string) {
	from, to := f.args(i + 1)
	if f.is(from, "[") {
		from, to = from+1, f.closing(from)
	}
	if to < 0 || to-from > 2*maxArgTokens {
		return
	}
	var b strings.Builder
	for j := from; j < to; j++ {
		switch {
		case f.typ(j) == js.CommaToken:
		case js.IsNumeric(f.typ(j)):
			n, err := strconv.ParseInt(string(f.text(j)), 0, 32)
			if err != nil || n < 0 || n > 0x10ffff {
				return
			}
			b.WriteRune(rune(n))
		default:
			return // computed: nothing to read
		}
	}
	if b.Len() < 3 {
		return
	}
	s := b.String()
	if name := sensitive(s); name != "" {
		f.hidden(i, name, via, []byte(s))
	}
	if b.Len() >= blobMin {
		mark(&f.decode, f.add(RuleEncodedBlob, report.Medium, f.off(i), via+"(<"+strconv.Itoa(b.Len())+" chars>)",
			"builds a long string from character codes at run time"))
		f.command(s, f.off(i))
		f.nested(s, f.off(i))
	}
}

// literalCode analyzes the string literals handed to eval or Function as
// the code they are. Code written in escapes is hidden code.
func (f *file) literalCode(i, from, to int, label string) {
	for j := from; j < to && j < from+maxArgTokens; j++ {
		if !f.isStr(j) {
			continue
		}
		code, hidden := unquote(f.text(j))
		if hidden {
			idx := f.add(RuleDynamicCode, report.High, f.off(i), label+"(<escaped>)",
				label+" runs code written in escape sequences: readable only once decoded")
			mark(&f.dynamic, idx)
			mark(&f.decode, idx)
		}
		if len(code) >= 8 {
			f.nested(code, f.off(j))
		}
	}
}

// maxDepth bounds analysis of code decoded from code.
const maxDepth = 2

// nested analyzes decoded text as JavaScript and adds its findings at
// byte offset off, where the encoded literal sits.
func (f *file) nested(text string, off int) {
	if f.depth >= maxDepth {
		return
	}
	g := newFile([]byte(text))
	g.depth = f.depth + 1
	g.run()
	for _, fd := range g.findings {
		if fd.Rule == RuleLongLine {
			continue
		}
		i := f.add(fd.Rule, fd.Level, off, fd.Match, "in decoded code: "+fd.Message)
		switch fd.Rule {
		case RuleNetwork:
			mark(&f.network, i)
		case RuleChildProcess, RuleExec:
			mark(&f.exec, i)
		case RuleDynamicCode:
			mark(&f.dynamic, i)
		}
	}
}

// reverse returns s with its bytes in reverse order.
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// hiddenURL returns t when the whole of a decoded literal is one http(s)
// URL: encoding a single address has no purpose but keeping it from a
// reader. Longer decoded texts (embedded scripts, source maps) that merely
// contain URLs are judged by reading them instead.
func hiddenURL(t string) string {
	t = strings.TrimSpace(t)
	if len(t) > 300 || !(strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://")) || strings.ContainsAny(t, " \t\n\"'<>") {
		return ""
	}
	return t
}
