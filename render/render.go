// Package render turns one report.Report into the formats people and
// machines read: a terminal listing, JSON, SARIF 2.1.0 and Markdown.
package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/vigilsec/vigil/report"
)

// Formats lists the names Write accepts.
var Formats = []string{"text", "json", "sarif", "markdown"}

// Options adjust rendering.
type Options struct {
	Color   bool          // ANSI colour, for a terminal
	Rules   []report.Rule // rule descriptions, for SARIF
	Version string        // vigil's version, for SARIF
}

// Write renders r in the named format.
func Write(w io.Writer, formatName string, r *report.Report, opt Options) error {
	switch formatName {
	case "text", "":
		return Text(w, r, opt)
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r, opt)
	case "markdown", "md":
		return Markdown(w, r)
	}
	return fmt.Errorf("unknown format %q (want text, json, sarif or markdown)", formatName)
}

// JSON writes the report in the documented vigil.report/v1 schema. The
// output is byte-identical for identical reports.
func JSON(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// shown reports whether a finding is worth showing a person: in a diff,
// only what is new; in a scan, everything.
func shown(r *report.Report, f report.Finding) bool {
	return r.Mode != "diff" || f.New
}

// where describes a finding's place in its file.
func where(f report.Finding) string {
	switch {
	case f.Line > 0 && f.Column > 0:
		return fmt.Sprintf("line %d:%d", f.Line, f.Column)
	case f.Line > 0:
		return fmt.Sprintf("line %d", f.Line)
	case f.Offset >= 0:
		return fmt.Sprintf("offset %d", f.Offset)
	}
	return "file"
}

// JSONValue writes any value as indented JSON, the way JSON writes reports.
func JSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
