package render

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// SARIF 2.1.0, the subset GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	DefaultConfiguration sarifConfig       `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine,omitempty"`
	StartColumn int        `json:"startColumn,omitempty"`
	ByteOffset  *int64     `json:"byteOffset,omitempty"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

// sarifLevel maps vigil's risk to SARIF's four levels.
func sarifLevel(l report.Level) string {
	switch l {
	case report.Critical, report.High:
		return "error"
	case report.Medium:
		return "warning"
	case report.Low:
		return "note"
	}
	return "none"
}

// SARIF writes the report as a SARIF 2.1.0 log. Paths inside archives keep
// their "!/" boundaries, percent-encoded as URI path segments.
func SARIF(w io.Writer, r *report.Report, opt Options) error {
	index := map[string]int{}
	var rules []sarifRule
	addRule := func(id string, rl report.Rule) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(rules)
		if rl.Summary == "" {
			rl.Summary = id
		}
		if rl.Help == "" {
			rl.Help = rl.Summary
		}
		rules = append(rules, sarifRule{
			ID: id, ShortDescription: sarifText{rl.Summary}, FullDescription: sarifText{rl.Help},
			Help: sarifText{rl.Help}, DefaultConfiguration: sarifConfig{sarifLevel(rl.Level)},
			Properties: map[string]string{"vigil-level": rl.Level.String()},
		})
		return index[id]
	}
	known := map[string]report.Rule{}
	for _, rl := range opt.Rules {
		known[rl.ID] = rl
	}
	results := []sarifResult{}
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if !shown(r, fd) {
				continue
			}
			rl, ok := known[fd.Rule]
			if !ok {
				rl = report.Rule{ID: fd.Rule, Level: fd.Level}
			}
			region := &sarifRegion{StartLine: fd.Line, StartColumn: fd.Column}
			if fd.Line == 0 && fd.Offset >= 0 {
				off := fd.Offset
				region = &sarifRegion{ByteOffset: &off}
			}
			if fd.Line == 0 && fd.Offset < 0 {
				region = nil
			}
			if region != nil && fd.Match != "" {
				region.Snippet = &sarifText{fd.Match}
			}
			results = append(results, sarifResult{
				RuleID: fd.Rule, RuleIndex: addRule(fd.Rule, rl), Level: sarifLevel(fd.Level),
				Message:             sarifText{fd.Message},
				Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(f.Path)}, Region: region}}},
				PartialFingerprints: map[string]string{"vigil/v1": fd.Rule + ":" + f.Path + ":" + fd.Match},
				Properties:          map[string]any{"vigil-level": fd.Level.String(), "file-sha256": f.SHA256},
			})
		}
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:    sarifTool{Driver: sarifDriver{Name: "vigil", Version: opt.Version, InformationURI: "https://github.com/vigilsec/vigil", Rules: rules}},
			Results: results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func sarifURI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
