package manifest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

// GitHub Actions files are read line by line, not as YAML: the rules need
// the text of run steps, the uses: references and a few expressions, and
// a line-based reader cannot be made to fail by a hostile document.

var (
	runKey      = regexp.MustCompile(`^(\s*)(?:-\s+)?run:\s*(.*?)\s*$`)
	usesKey     = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)`)
	secretsJSON = regexp.MustCompile(`(?i)\$\{\{\s*tojson\(\s*secrets\s*\)\s*\}\}`)
	secretUse   = regexp.MustCompile(`\$\{\{\s*secrets\.`)
	senderCmd   = regexp.MustCompile(`(?i)\b(?:curl|wget|nc|invoke-webrequest|invoke-restmethod|iwr|irm)\b`)
	untrusted   = regexp.MustCompile(`\$\{\{\s*github\.(?:event\.(?:issue\.title|issue\.body|pull_request\.title|pull_request\.body|comment\.body|review\.body|review_comment\.body|head_commit\.message|pull_request\.head\.ref|pull_request\.head\.label|discussion\.title|discussion\.body)|head_ref)\s*\}\}`)
	prHead      = regexp.MustCompile(`(?i)\bref:\s*["']?\$\{\{\s*(?:github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref)\s*\}\}|refs/pull/\$\{\{`)
	fullSHA     = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// trustedOwners publish the actions GitHub itself maintains.
var trustedOwners = map[string]bool{"actions": true, "github": true}

// runBlock is the script of one run: step and where it starts.
type runBlock struct {
	text string
	off  int
}

func analyzeActions(b []byte) []report.Finding {
	lines := newLines(b)
	var out []report.Finding
	text := string(b)
	prTarget := strings.Contains(text, "pull_request_target")
	off := 0
	all := strings.SplitAfter(text, "\n")
	for i := 0; i < len(all); i++ {
		line := all[i]
		code := stripComment(line)
		if m := secretsJSON.FindStringIndex(code); m != nil {
			out = append(out, lines.finding(RuleGHASecretsDump, report.High,
				"the workflow serializes every secret of the repository", off+m[0], code[m[0]:m[1]]))
		}
		if m := prHead.FindStringIndex(code); m != nil && prTarget {
			out = append(out, lines.finding(RuleGHAPwnRequest, report.High,
				"a pull_request_target workflow checks out the pull request's code, with the repository's secrets available", off+m[0], strings.TrimSpace(code)))
		}
		if m := usesKey.FindStringSubmatch(code); m != nil {
			if f, ok := unpinned(m[1]); ok {
				out = append(out, lines.finding(RuleGHAUnpinned, report.Low, f, off+strings.Index(line, m[1]), m[1]))
			}
		}
		if m := runKey.FindStringSubmatch(line); m != nil {
			blk, n := runScript(all, i, off, len(m[1]), m[2])
			out = append(out, inspectRun(blk, lines)...)
			for k := 0; k < n; k++ {
				off += len(all[i])
				i++
			}
			i--
			continue
		}
		off += len(line)
	}
	return out
}

// runScript returns the script of the run: key on line i (at offset off),
// and how many lines it spans. A block scalar (| or >) takes the following
// lines indented deeper than the key.
func runScript(all []string, i, off, indent int, value string) (runBlock, int) {
	if !strings.HasPrefix(value, "|") && !strings.HasPrefix(value, ">") {
		v := strings.Trim(value, `"'`)
		return runBlock{text: v, off: off + strings.Index(all[i], v)}, 1
	}
	start := off + len(all[i])
	end := start
	n := 1
	for j := i + 1; j < len(all); j++ {
		t := strings.TrimSpace(all[j])
		lead := len(all[j]) - len(strings.TrimLeft(all[j], " "))
		if t != "" && lead <= indent {
			break
		}
		end += len(all[j])
		n++
	}
	var b strings.Builder
	for j := i + 1; j < i+n; j++ {
		b.WriteString(all[j])
	}
	return runBlock{text: b.String(), off: start}, n
}

// inspectRun applies the shell rules and the expression rules to a run
// step, placing findings in the workflow file.
func inspectRun(blk runBlock, lines lines) []report.Finding {
	var out []report.Finding
	for _, f := range shell.Inspect([]byte(blk.text)) {
		if f.Level >= report.Medium {
			out = append(out, lines.finding(f.Rule, f.Level, "in a run step: "+f.Message, blk.off+int(f.Offset), f.Match))
		}
	}
	off := blk.off
	for _, line := range strings.SplitAfter(blk.text, "\n") {
		if m := secretsJSON.FindStringIndex(line); m != nil {
			out = append(out, lines.finding(RuleGHASecretsDump, report.High,
				"a run step serializes every secret of the repository", off+m[0], line[m[0]:m[1]]))
		}
		if secretUse.MatchString(line) && senderCmd.MatchString(line) {
			out = append(out, lines.finding(RuleGHASecretSent, report.Medium,
				"a run step passes a secret to a network command", off, strings.TrimSpace(line)))
		}
		if m := untrusted.FindStringIndex(line); m != nil {
			out = append(out, lines.finding(RuleGHAInjection, report.Medium,
				"a run step expands text that anyone opening an issue or pull request controls", off+m[0], line[m[0]:m[1]]))
		}
		off += len(line)
	}
	return out
}

// unpinned describes a uses: reference to a third-party action that is
// not pinned to a full commit SHA.
func unpinned(ref string) (string, bool) {
	if strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "docker://") {
		return "", false
	}
	name, at, ok := strings.Cut(ref, "@")
	owner, _, _ := strings.Cut(name, "/")
	if trustedOwners[strings.ToLower(owner)] || fullSHA.MatchString(at) {
		return "", false
	}
	if !ok {
		return fmt.Sprintf("the action %s is used without a version", name), true
	}
	return fmt.Sprintf("the third-party action %s is pinned to the movable ref %q, not a commit", name, at), true
}

// stripComment drops a YAML comment that starts a line.
func stripComment(line string) string {
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return ""
	}
	return line
}

var runsKey = regexp.MustCompile(`^\s+(main|pre|post)\s*:\s*["']?([^"'\s#]+)`)

// actionRuns reads the main, pre and post scripts of a JavaScript action's
// runs: section, with their byte offsets.
func actionRuns(b []byte) map[string][2]string {
	out := map[string][2]string{}
	in := false
	off := 0
	for _, line := range strings.SplitAfter(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "runs:"):
			in = true
		case len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && strings.TrimSpace(line) != "":
			in = false
		case in:
			if m := runsKey.FindStringSubmatch(line); m != nil {
				out[m[1]] = [2]string{m[2], fmt.Sprint(off + strings.Index(line, m[1]))}
			}
		}
		off += len(line)
	}
	return out
}

// diffAction reports a JavaScript action that gains a pre or post script
// (code that runs around every job using it) or whose main script moved.
func diffAction(oldB, newB []byte) []report.Finding {
	o, n := actionRuns(oldB), actionRuns(newB)
	lines := newLines(newB)
	var out []report.Finding
	for _, k := range []string{"pre", "post", "main"} {
		v, ok := n[k]
		if !ok || o[k][0] == v[0] {
			continue
		}
		var off int
		fmt.Sscan(v[1], &off)
		if k == "main" {
			if o[k][0] != "" {
				out = append(out, lines.finding(RuleEntryChanged, report.Medium,
					fmt.Sprintf("the action's main script changes from %s to %s", o[k][0], v[0]), off, "main: "+v[0]))
			}
			continue
		}
		out = append(out, lines.finding(RuleHookAdded, report.High,
			fmt.Sprintf("the action gains or changes its %s script %s, which runs in every job that uses it", k, v[0]), off, k+": "+v[0]))
	}
	return out
}
