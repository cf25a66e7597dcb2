package endpoint

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs.
const (
	RuleRawIPURL  = "endpoint.raw-ip-url"
	RuleRawIPPort = "endpoint.raw-ip-port"
	RuleBrand     = "endpoint.brand-impostor"
	RuleLookalike = "endpoint.lookalike"
)

// Fact keys recorded for every text file.
const (
	// FactDomains is the sorted, comma-separated registrable domains.
	FactDomains = "endpoint.domains"
	// FactWhere gives, for each of those domains, where it first occurs:
	// "domain@line:offset", comma-separated, in the same order.
	FactWhere = "endpoint.where"
)

// maxFindings bounds the findings of one file: a log of a thousand raw-IP
// URLs says no more than its first few.
const maxFindings = 20

// Analyzer reports raw-IP URLs and brand impostor domains in any text file,
// records the domains each file uses and, across a release, flags domains
// that imitate another domain of the same release or of the old one.
type Analyzer struct{}

var (
	_ analyze.Analyzer        = Analyzer{}
	_ analyze.FactRecorder    = Analyzer{}
	_ analyze.ReleaseAnalyzer = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "endpoint" }

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	return []report.Rule{
		{ID: RuleRawIPURL, Level: report.Medium, Summary: "URL whose host is a raw IP address",
			Help: "Vendors publish names, not addresses; a hard-coded public IP often marks a collection server. Private addresses are reported low."},
		{ID: RuleRawIPPort, Level: report.Medium, Summary: "IP address with a port",
			Help: "An address and port written into code (203.0.113.5:4444, (\"203.0.113.5\", 4444)) is where a socket connects; private addresses are reported low."},
		{ID: RuleBrand, Level: report.Medium, Summary: "domain that wraps a well-known brand in other words",
			Help: "Names like microsoft-update-cdn.com borrow a brand's trust without belonging to it. High when the extra words are update, login, cdn and the like."},
		{ID: RuleLookalike, Level: report.High, Summary: "domain that imitates another domain of the release",
			Help: "A host one confusable character away from the vendor's own (rn for m, 1 for l, a Cyrillic letter) is how stolen traffic is hidden in plain sight."},
	}
}

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	if !f.Kind.IsText() {
		return nil
	}
	var out []report.Finding
	lines := newLines(f.Data)
	seen := map[string]bool{}
	for _, h := range Find(f.Data) {
		if len(out) >= maxFindings {
			break
		}
		fd, ok := judge(h, f.Data)
		if !ok || seen[fd.Rule+fd.Match] {
			continue
		}
		seen[fd.Rule+fd.Match] = true
		fd.Line, fd.Column = lines.pos(h.Offset)
		fd.Offset = int64(h.Offset)
		out = append(out, fd)
	}
	return out
}

// judge turns one hit in text into a finding, if it deserves one.
func judge(h Hit, text []byte) (report.Finding, bool) {
	if a, err := netip.ParseAddr(h.Host); err == nil {
		lvl, ok := ipLevel(a)
		if !ok {
			return report.Finding{}, false
		}
		if h.Kind != "url" {
			port := portAfter(text, h.Offset+len(h.Value))
			if port == "" {
				return report.Finding{}, false
			}
			return report.Finding{Rule: RuleRawIPPort, Level: lvl,
				Message: fmt.Sprintf("the code names the address %s with port %s", h.Host, port),
				Match:   report.Snippet(h.Host + ":" + port)}, true
		}
		return report.Finding{Rule: RuleRawIPURL, Level: lvl,
			Message: fmt.Sprintf("URL points at the raw IP address %s instead of a host name", h.Host),
			Match:   report.Snippet(h.Value)}, true
	}
	if brand, lvl, ok := Impersonates(h.Host); ok {
		// Documentation, test data and hosting-platform subdomains
		// (google-auth.readthedocs.io) wrap brands all the time; on its
		// own the name is a lead. A diff raises a new one it injects.
		lvl = min(lvl, report.Medium)
		return report.Finding{Rule: RuleBrand, Level: lvl,
			Message: fmt.Sprintf("domain %s wraps the brand %q in other words but is not one of its domains", Registrable(h.Host), brand),
			Match:   report.Snippet(h.Host)}, true
	}
	return report.Finding{}, false
}

// portAfter returns the port written right after an address, as in
// 203.0.113.5:4444 or ("203.0.113.5", 4444), or "".
func portAfter(text []byte, end int) string {
	i := end
	if i < len(text) && (text[i] == '"' || text[i] == '\'') {
		i++
		for i < len(text) && text[i] == ' ' {
			i++
		}
		if i >= len(text) || text[i] != ',' {
			return ""
		}
	} else if i >= len(text) || text[i] != ':' {
		return ""
	}
	i++
	for i < len(text) && text[i] == ' ' {
		i++
	}
	j := i
	for j < len(text) && j-i < 6 && text[j] >= '0' && text[j] <= '9' {
		j++
	}
	if j-i < 2 || j-i > 5 || j < len(text) && isWord(text[j]) {
		return ""
	}
	return string(text[i:j])
}

// ipLevel rates an address in a URL: loopback and unspecified addresses are
// local plumbing, private ones are worth listing, public ones a look.
func ipLevel(a netip.Addr) (report.Level, bool) {
	a = a.Unmap()
	switch {
	case a.IsLoopback(), a.IsUnspecified(), a.IsMulticast():
		return report.None, false
	case a.IsPrivate(), a.IsLinkLocalUnicast() && a != metadataAddr:
		return report.Low, true
	}
	return report.Medium, true
}

// metadataAddr is the cloud instance metadata service, where credentials
// live; it is link-local but never innocent in a release.
var metadataAddr = netip.MustParseAddr("169.254.169.254")

// Record implements analyze.FactRecorder.
func (Analyzer) Record(f *analyze.File, facts map[string]string) {
	if !f.Kind.IsText() {
		return
	}
	lines := newLines(f.Data)
	for _, h := range Find(f.Data) {
		if _, err := netip.ParseAddr(h.Host); err == nil {
			continue
		}
		ln, _ := lines.pos(h.Offset)
		AddDomain(facts, h.Host, ln, h.Offset)
	}
}

// AddDomain records in facts that the file uses host, first at the given
// line and byte offset, for the release-wide look-alike check. Analyzers
// that recover strings the raw text hides (a deobfuscated string array, a
// decoded base64 command) call it with what they found, before or after
// Record; a domain already recorded keeps its first place.
func AddDomain(facts map[string]string, host string, line, offset int) {
	d := Registrable(host)
	if d == "" || strings.ContainsAny(d, ",@") {
		return
	}
	var doms, where []string
	if facts[FactDomains] != "" {
		doms = strings.Split(facts[FactDomains], ",")
		where = strings.Split(facts[FactWhere], ",")
	}
	i := sort.SearchStrings(doms, d)
	if i < len(doms) && doms[i] == d || len(doms) >= maxDomains || len(where) != len(doms) {
		return
	}
	doms = append(doms[:i], append([]string{d}, doms[i:]...)...)
	where = append(where[:i], append([]string{fmt.Sprintf("%s@%d:%d", d, line, offset)}, where[i:]...)...)
	facts[FactDomains] = strings.Join(doms, ",")
	facts[FactWhere] = strings.Join(where, ",")
}

// maxDomains bounds the domains recorded for one file.
const maxDomains = 500

// lines maps byte offsets to 1-based line and column.
type lines struct{ starts []int }

func newLines(b []byte) lines {
	s := []int{0}
	for i, c := range b {
		if c == '\n' {
			s = append(s, i+1)
		}
	}
	return lines{s}
}

func (l lines) pos(off int) (line, col int) {
	i := sort.SearchInts(l.starts, off+1) - 1
	return i + 1, off - l.starts[i] + 1
}
