package shell

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/report"
)

// Bounds on one inspection.
const (
	maxScript   = 16 << 20 // bytes of script read
	maxFindings = 200      // findings returned
	maxDepth    = 3        // decoded scripts inside decoded scripts
	maxLine     = 64 << 10 // bytes of one logical line given to the rules
	maxProducts = 64       // downloaded or decoded files followed
)

// scan is the state of one inspection.
type scan struct {
	src, buf []byte
	starts   []int // offsets of line starts in src
	depth    int
	out      []report.Finding
	seen     map[string]bool
	tools    map[string]bool
	made     []product         // files downloaded or decoded so far
	vars     map[string]string // variables holding downloaded or decoded text
	net      bool              // the script uses the network somewhere
}

// product is a file a script downloaded or decoded, which it must not run.
type product struct {
	target string // as written, quotes removed
	kind   string // "downloaded" or "decoded"
	line   int
}

func inspect(script []byte, d dialect, depth int) []report.Finding {
	if len(script) > maxScript {
		script = script[:maxScript]
	}
	s := &scan{src: script, buf: mask(script, d), depth: depth, seen: map[string]bool{}, tools: map[string]bool{}, vars: map[string]string{}}
	s.starts = []int{0}
	for i, c := range script {
		if c == '\n' {
			s.starts = append(s.starts, i+1)
		}
	}
	for start := 0; start < len(s.buf) && len(s.out) < maxFindings; {
		end := bytes.IndexByte(s.buf[start:], '\n')
		if end < 0 {
			end = len(s.buf)
		} else {
			end += start
		}
		line := s.buf[start:end]
		if len(line) > maxLine {
			line = line[:maxLine]
		}
		if len(bytes.TrimSpace(line)) > 0 {
			s.line(string(line), start)
		}
		start = end + 1
	}
	s.combine()
	report.SortFindings(s.out)
	return s.out
}

// pos returns the 1-based line and column of a byte offset.
func (s *scan) pos(off int) (int, int) {
	i := sort.SearchInts(s.starts, off+1) - 1
	return i + 1, off - s.starts[i] + 1
}

// add records a finding at byte offset off, once per rule, line and match.
func (s *scan) add(id string, lvl report.Level, msg string, off int, match string) {
	match = report.Snippet(strings.Join(strings.Fields(match), " "))
	ln, col := s.pos(off)
	key := fmt.Sprintf("%s\x00%d\x00%s", id, ln, match)
	if s.seen[key] || len(s.out) >= maxFindings {
		return
	}
	s.seen[key] = true
	s.out = append(s.out, report.Finding{Rule: id, Level: lvl, Message: msg, Line: ln, Column: col, Offset: int64(off), Match: match})
}

// line applies every rule to one logical line that starts at offset base.
func (s *scan) line(text string, base int) {
	lower := strings.ToLower(text)
	var matched map[string]bool // a rule's first, strongest form wins
	for _, r := range lineRules {
		if matched[r.id] || !containsAny(lower, r.need) {
			continue
		}
		if loc := r.re.FindStringIndex(text); loc != nil {
			if matched == nil {
				matched = map[string]bool{}
			}
			matched[r.id] = true
			s.add(r.id, r.level, r.msg, base+loc[0], text[loc[0]:loc[1]])
		}
	}
	if containsAny(lower, senderWords) && sender.MatchString(text) {
		s.net = true
		if loc := envDump.FindStringIndex(text); loc != nil {
			s.add(RuleEnvExfil, report.High, "the environment or the repository remotes are sent over the network", base+leading(text), text)
		}
	}
	if containsAny(lower, decodeWords) {
		s.decoded(text, base)
	}
	if strings.Contains(lower, "downloadfile") {
		if m := downloadFile.FindStringSubmatchIndex(text); m != nil {
			s.produce(text[m[2]:m[3]], "downloaded", base+m[0])
			s.net = true
		}
	}
	s.variables(text, lower, base)
	for _, p := range pipelines(text) {
		s.pipeline(p, text, base)
	}
}

var (
	assign = regexp.MustCompile(`(?i)^\s*(?:export\s+|local\s+|readonly\s+|declare\s+\S*\s*)?\$?([A-Za-z_][\w:]*)\s*=\s*(.+)$`)
	sink   = regexp.MustCompile(`(?i)\b(?:eval|iex|invoke-expression|source)\b|\[scriptblock\]::create|\b(?:ba|z|da)?sh\s+-c\b`)
)

// variables follows text held in variables: x=$(curl ...) or
// $s = [Convert]::FromBase64String(...) taints the variable, and eval,
// iex, sh -c or [scriptblock]::Create of a tainted variable runs it.
func (s *scan) variables(text, lower string, base int) {
	if len(s.vars) > 0 && sink.MatchString(text) {
		for name, kind := range s.vars {
			if refersTo(lower, name) {
				id := RuleDecodeExec
				if kind == "downloaded" {
					id = RulePipeToShell
				}
				s.add(id, report.High, fmt.Sprintf("text %s into $%s is run as code", kind, name), base+leading(text), text)
				break
			}
		}
	}
	m := assign.FindStringSubmatch(text)
	if m == nil || len(s.vars) >= maxProducts {
		return
	}
	rhs := strings.ToLower(m[2])
	switch {
	case containsAny(rhs, []string{"curl", "wget", "iwr", "irm", "invoke-webrequest", "invoke-restmethod", "downloadstring", "downloaddata"}):
		s.vars[strings.ToLower(m[1])] = "downloaded"
	case containsAny(rhs, []string{"frombase64string", "base64 -d", "base64 --decode", "xxd -r", "gunzip", "zcat", "xz -d", "gzipstream", "deflatestream"}):
		s.vars[strings.ToLower(m[1])] = "decoded"
	}
}

// refersTo reports whether lower-cased text expands the variable name:
// $name, ${name} or $env:name, not a longer name.
func refersTo(lower, name string) bool {
	for _, ref := range []string{"$" + name, "${" + name + "}"} {
		for i := strings.Index(lower, ref); i >= 0; {
			end := i + len(ref)
			if end >= len(lower) || !isNameByte(lower[end]) || ref[1] == '{' {
				return true
			}
			j := strings.Index(lower[end:], ref)
			if j < 0 {
				break
			}
			i = end + j
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// pipeline applies the pipeline rules: what flows into an interpreter, and
// the files fetched or decoded and later run.
func (s *scan) pipeline(p pipeline, text string, base int) {
	for i, st := range p.stages {
		off := base + st.off
		cmd := st.cmd()
		switch {
		case downloaders[cmd]:
			s.net = true
			if !s.tools[cmd] {
				s.tools[cmd] = true
				s.add(RuleNetwork, report.Low, "the script calls the download tool "+cmd, off, cmd)
			}
			if ip := publicIP(st.text); ip != "" {
				lvl, msg := report.Medium, fmt.Sprintf("%s talks to the raw IP address %s", cmd, ip)
				if p.silenced {
					lvl, msg = report.High, msg+", with failures silenced by || true"
				}
				s.add(RuleRawIP, lvl, msg, off, st.text)
			} else if p.silenced {
				s.add(RuleStealth, report.Low, "a failing network call is silenced with || true", off, st.text)
			}
			if t := outputOf(st); t != "" {
				s.produce(t, "downloaded", off)
			}
		case isDecoder(st):
			if t := redirectOf(st); t != "" {
				s.produce(t, "decoded", off)
			}
		}
		if cmd == "tr" && isSwap(st.args()) {
			s.add(RuleTrSwap, report.Medium, "tr swaps characters among themselves, the way corrupted-looking data is restored", off, st.text)
		}
		if cmd == "eval" && i > 0 && i < len(p.stages)-1 {
			s.add(RuleEvalPipeline, report.Medium, "eval rewrites data in the middle of a pipeline", off, st.text)
		}
		if i > 0 && interpreters[cmd] && readsStdin(st) {
			s.feeds(p.stages[:i], cmd, base, p.stages[i])
		}
		s.runs(st, off)
	}
}

// feeds reports what earlier stages of a pipeline pipe into interpreter.
func (s *scan) feeds(before []stage, interp string, base int, last stage) {
	for _, st := range before {
		c := st.cmd()
		off := base + st.off
		match := st.text + " | " + last.text
		switch {
		case downloaders[c]:
			s.add(RulePipeToShell, report.High, fmt.Sprintf("the output of %s is run by %s", c, interp), off, match)
			return
		case isDecoder(st):
			s.add(RuleDecodeExec, report.High, fmt.Sprintf("data decoded by %s is run by %s", c, interp), off, match)
			return
		case c == "eval":
			s.add(RuleDecodeExec, report.High, fmt.Sprintf("the output of eval is run by %s", interp), off, match)
			return
		}
	}
}

// runs reports a stage that executes or makes executable a file the
// script downloaded or decoded before.
func (s *scan) runs(st stage, off int) {
	if len(s.made) == 0 {
		return
	}
	words := st.words()
	i := st.cmdIndex(words)
	if i < 0 {
		return
	}
	cmd := st.cmd()
	for _, p := range s.made {
		hit := sameFile(words[i], p.target)
		if !hit && (execVerbs[cmd] || cmd == "chmod" && makesExecutable(words[i:])) {
			for _, w := range words[i+1:] {
				if sameFile(w, p.target) {
					hit = true
				}
			}
		}
		if hit {
			id, level, msg := RuleDownloadExec, report.High, fmt.Sprintf("%s, %s at line %d, is then run or made executable", p.target, p.kind, p.line)
			if p.kind == "decoded" {
				id = RuleDecodeExec
			} else if why := s.benignSource(); why != "" {
				level, msg = report.Medium, msg+"; "+why
			}
			s.add(id, level, msg, off, st.text)
			return
		}
	}
}

// decoded inspects base64 payloads handed to a decoder, and the encoded
// command of powershell -EncodedCommand, as scripts of their own.
func (s *scan) decoded(text string, base int) {
	if m := encodedPS.FindStringSubmatchIndex(text); m != nil {
		blob := text[m[2]:m[3]]
		s.add(RuleEncodedPS, report.High, "PowerShell is run with an encoded command", base+m[0], text[m[0]:m[3]])
		if b, ok := decodeB64(blob); ok {
			s.nested(utf16le(b), dialectPowerShell, base+m[2], "in the encoded PowerShell command: ")
		}
	}
	for _, m := range b64Payload.FindAllStringSubmatchIndex(text, 4) {
		i, j := m[2], m[3]
		if i < 0 {
			i, j = m[4], m[5]
		}
		if b, ok := decodeB64(text[i:j]); ok && utf8.Valid(b) {
			s.nested(b, dialectAny, base+i, "in a base64-decoded script: ")
		}
	}
}

// nested inspects a decoded script and adds its findings at off, where the
// encoded form sits.
func (s *scan) nested(script []byte, d dialect, off int, prefix string) {
	if s.depth >= maxDepth {
		return
	}
	for _, f := range inspect(script, d, s.depth+1) {
		s.add(f.Rule, f.Level, prefix+f.Message, off, f.Match)
	}
}

// combine raises findings whose weight depends on the rest of the script:
// a credential file read in a script that uses the network, and a tr swap
// in a script that also runs decoded data (the two halves of the xz-utils
// unpacking).
func (s *scan) combine() {
	if s.net {
		for i := range s.out {
			if s.out[i].Rule == RuleCredRead {
				s.out[i].Level = report.High
				s.out[i].Message += ", in a script that also uses the network"
			}
		}
	}
	decodes := false
	for _, f := range s.out {
		if f.Rule == RuleDecodeExec || f.Rule == RuleEvalPipeline {
			decodes = true
		}
	}
	if !decodes {
		return
	}
	for i := range s.out {
		if s.out[i].Rule == RuleTrSwap {
			s.out[i].Level = report.High
			s.out[i].Message += ", in a script that also runs decoded data"
		}
	}
}

// publicIP returns the first public IP address a URL in text points at.
func publicIP(text string) string {
	for _, h := range endpoint.Find([]byte(text)) {
		a, err := netip.ParseAddr(h.Host)
		if err == nil && h.Kind == "url" && a.IsGlobalUnicast() && !a.IsPrivate() {
			return h.Host
		}
	}
	return ""
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// produce records a file the script downloaded or decoded at offset off.
func (s *scan) produce(target, kind string, off int) {
	if len(s.made) < maxProducts {
		line, _ := s.pos(off)
		s.made = append(s.made, product{target: target, kind: kind, line: line})
	}
}

// leading is the offset of the first non-blank byte of text.
func leading(text string) int { return len(text) - len(strings.TrimLeft(text, " \t")) }

func decodeB64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

// utf16le decodes the little-endian UTF-16 that -EncodedCommand carries.
func utf16le(b []byte) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return []byte(string(utf16.Decode(u)))
}

// vendorDomains are the download sites of operating system, browser and
// language-runtime makers. Attackers host payloads on their own servers,
// raw addresses or shared hosting (GitHub, paste sites), none of which is
// here.
var vendorDomains = map[string]bool{
	"google.com": true, "microsoft.com": true, "mozilla.org": true, "apple.com": true,
	"nodejs.org": true, "python.org": true, "go.dev": true, "golang.org": true,
	"rust-lang.org": true, "oracle.com": true, "java.com": true,
}

// benignSource says why a download that is then run is no backdoor's
// shape, or "" when it may be: a backdoor fetches from a server written
// into it. A script whose every URL is https on one vendor's download
// site installs that vendor's software; one that names no server at all
// runs what its caller chose.
func (s *scan) benignSource() string {
	host := ""
	for _, h := range endpoint.Find(s.buf) {
		if h.Kind == "ip" {
			return ""
		}
		if h.Kind != "url" {
			continue
		}
		d := endpoint.Registrable(h.Host)
		if !strings.HasPrefix(h.Value, "https://") || !vendorDomains[d] || host != "" && host != d {
			return ""
		}
		host = d
	}
	if host == "" {
		return "the script names no server: it fetches what its caller gives it"
	}
	return "every URL in the script is https on " + host
}
