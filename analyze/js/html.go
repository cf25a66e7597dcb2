package js

import (
	"bytes"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// maxScripts bounds the script blocks read from one page.
const maxScripts = 1000

// inspectHTML analyzes the inline <script> blocks of an HTML or SVG page.
// Findings are placed in the page, not in the block.
func inspectHTML(page []byte) []report.Finding {
	lower := asciiLower(page) // same length as page, unlike bytes.ToLower
	pos := &file{src: page}
	var out []report.Finding
	for n, at := 0, 0; n < maxScripts && len(out) < maxFindings; n++ {
		i := bytes.Index(lower[at:], []byte("<script"))
		if i < 0 {
			break
		}
		open := at + i
		gt := bytes.IndexByte(lower[open:], '>')
		if gt < 0 {
			break
		}
		start := open + gt + 1
		end := bytes.Index(lower[start:], []byte("</script"))
		if end < 0 {
			end = len(page) - start
		}
		at = start + end
		if !scriptType(string(lower[open : start-1])) {
			continue
		}
		for _, fd := range Inspect(page[start : start+end]) {
			fd.Offset += int64(start)
			fd.Line, fd.Column = pos.position(int(fd.Offset))
			out = append(out, fd)
		}
	}
	return out
}

// scriptType reports whether a <script ...> tag holds JavaScript: no
// type, or a JavaScript one, rather than a template or JSON data.
func scriptType(tag string) bool {
	i := strings.Index(tag, "type=")
	if i < 0 {
		return true
	}
	t := tag[i+5:]
	if end := strings.IndexAny(t, " \t\r\n"); end >= 0 {
		t = t[:end]
	}
	t = strings.Trim(strings.TrimSuffix(t, "/"), `"'`)
	switch {
	case t == "", t == "module", strings.Contains(t, "javascript"), strings.Contains(t, "ecmascript"),
		strings.Contains(t, "jsx"), strings.Contains(t, "babel"):
		return true
	}
	return false
}

// asciiLower returns b with A-Z lowered and every other byte kept, so
// that offsets in the result are offsets in b.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
