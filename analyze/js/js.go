// Package js analyzes JavaScript and TypeScript: what a file can do
// (run programs, evaluate code, reach the network, read credentials) and
// whether it hides it (obfuscator output, encoded names and blobs).
//
// It works on the token stream of github.com/tdewolff/parse/v2/js rather
// than on its AST: the lexer never gives up on TypeScript, JSX or syntax
// newer than the parser knows, runs in linear time on megabyte-long
// minified lines, gives every token its byte offset (the AST does not),
// and still keeps comments and string data apart from code, which is all
// the rules need. A comment or a string that says eval is not eval.
//
// Each capability alone is common in honest packages and is at most
// medium; what makes a file high or critical is hiding (obfuscator output,
// names written in hex or base64, scripts piped through base64 -d) or a
// combination in one file (obfuscation with network or execution,
// credential stores or the serialised environment with network, dynamic
// code next to a request or a decipher). Matches name the capability, not
// the minifier's names or offsets, so that an honest rebuild of a file
// reproduces them.
package js

import (
	"fmt"
	"sort"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/report"
)

// Analyzer implements analyze.Analyzer for JavaScript and TypeScript.
// The zero value is ready to use and safe for concurrent use.
type Analyzer struct{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "js" }

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule { return append([]report.Rule(nil), rules...) }

// maxFindings bounds the findings of one file; a hostile file could
// otherwise make one per token.
const maxFindings = 500

// Analyze implements analyze.Analyzer for JavaScript and TypeScript
// files and for the inline scripts of HTML, HTA and SVG pages. Files of
// other kinds get no findings.
func (Analyzer) Analyze(f *analyze.File) (out []report.Finding) {
	defer recoverAs(&out)
	switch {
	case f.Kind == analyze.JavaScript || f.Kind == analyze.TypeScript:
		return Inspect(f.Data)
	case f.Kind == analyze.Text && format.HasExt(f.Name(), ".html", ".htm", ".xhtml", ".hta", ".svg"):
		return inspectHTML(f.Data)
	}
	return nil
}

// Inspect returns the findings for JavaScript source src, in a
// deterministic order. Other analyzers call it for script found inside
// their own files (an HTML page, a package.json hook running node -e).
func Inspect(src []byte) (out []report.Finding) {
	defer recoverAs(&out)
	a := newFile(src)
	a.run()
	out = a.findings
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Offset != out[j].Offset {
			return out[i].Offset < out[j].Offset
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// recoverAs turns a panic into a finding in *out, so that one hostile
// file costs its own findings and nothing else.
func recoverAs(out *[]report.Finding) {
	if r := recover(); r != nil {
		*out = []report.Finding{{
			Rule:    RuleAnalyzerError,
			Level:   report.Low,
			Message: fmt.Sprintf("the JavaScript analyzer failed on this file: %v", r),
			Line:    1,
			Column:  1,
			Match:   report.Snippet(fmt.Sprint(r)),
		}}
	}
}
