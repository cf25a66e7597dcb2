package binary

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/report"
)

// Suffixes of the rule IDs StringFindings produces; the full ID is the
// caller's prefix, a dot and the suffix ("pe.url", "elf.shell-command").
const (
	URL           = "url"
	IP            = "ip"
	ShellCommand  = "shell-command"
	DownloadExec  = "download-exec"
	CredentialRef = "credential-path"
)

// indicator is a pattern in a binary's strings that says what the program
// does when it runs.
type indicator struct {
	suffix  string
	level   report.Level
	anchors []string // the regexp runs only on strings holding one of these
	re      *regexp.Regexp
	message string
}

// indicators are matched against each string on its own, lower-cased.
// Each pattern is specific enough that honest binaries rarely carry it by
// accident; levels stay modest because the capability alone is common.
var indicators = []indicator{
	{DownloadExec, report.High, []string{"curl", "wget", "iex", "download", "invoke-"}, regexp.MustCompile(`(curl|wget)\s[^|;]*\|\s*(ba|z|da)?sh\b|iex\s*\(?\s*\(?new-object\s+net\.webclient|downloadstring\(|invoke-expression.*(downloadstring|invoke-webrequest|iwr\s)`),
		"the binary holds a command that downloads code and runs it"},
	{ShellCommand, report.Medium, []string{"cmd", "sh ", "powershell"}, regexp.MustCompile(`\bcmd(\.exe)?\s+/[ck]\s|\b(/bin/)?(ba)?sh\s+-c\s|powershell(\.exe)?\s.*-(enc|encodedcommand|e|w(indowstyle)?\s+hidden|nop)\b`),
		"the binary holds a command line it can hand to a shell"},
	{CredentialRef, report.Medium, []string{".ssh", ".npmrc", ".git-c", ".aws", "wallet", "login data", "local state", "cookies", ".docker", ".kube"}, regexp.MustCompile(`\.ssh[/\\](id_|authorized_keys|known_hosts)|\.npmrc|\.git-credentials|\.aws[/\\]credentials|wallet\.dat|\\login data|/login data|\\local state|cookies\.sqlite|\.docker[/\\]config\.json|\.kube[/\\]config`),
		"the binary names a credential store"},
}

// StringFindings reports the network endpoints, shell commands and
// credential stores named in strs. Rule IDs are prefix + "." + suffix, so
// that each binary analyzer keeps its own namespace for the same checks.
// A URL is low (an ordinary capability) and a raw IP address medium.
func StringFindings(prefix string, strs []String) []report.Finding {
	var out []report.Finding
	text, offs := join(strs)
	for _, h := range endpoint.Find(text) {
		var suffix, msg string
		level := report.Low
		switch h.Kind {
		case "url":
			suffix, msg = URL, "the binary embeds the URL "+h.Value
		case "ip":
			if versionLike(h.Value, offs.str(strs, h.Offset)) {
				continue
			}
			suffix, msg, level = IP, "the binary embeds the IP address "+h.Value, report.Medium
		default:
			continue // bare domain names in binaries are mostly noise
		}
		out = append(out, report.Finding{
			Rule: prefix + "." + suffix, Level: level, Message: msg,
			Offset: offs.at(h.Offset), Match: report.Snippet(h.Value),
		})
	}
	for _, s := range strs {
		low := strings.ToLower(s.Text)
		for _, ind := range indicators {
			if !containsAny(low, ind.anchors) {
				continue
			}
			loc := ind.re.FindStringIndex(low)
			if loc == nil {
				continue
			}
			step := int64(1)
			if s.Wide {
				step = 2
			}
			out = append(out, report.Finding{
				Rule: prefix + "." + ind.suffix, Level: ind.level, Message: ind.message,
				Offset: s.Offset + int64(loc[0])*step, Match: report.Snippet(s.Text[loc[0]:loc[1]]),
			})
		}
	}
	report.SortFindings(out)
	return dedupe(out)
}

// StringRules describes the rules StringFindings produces under prefix.
func StringRules(prefix string) []report.Rule {
	rules := []report.Rule{
		{ID: prefix + "." + URL, Level: report.Low, Summary: "embedded URL",
			Help: "The binary contains a URL. Most programs talk to their vendor; check that the host belongs to the publisher."},
		{ID: prefix + "." + IP, Level: report.Medium, Summary: "embedded IP address",
			Help: "The binary contains a literal IP address. Honest software usually names hosts; a hard-coded address is typical of implants."},
	}
	for _, ind := range indicators {
		rules = append(rules, report.Rule{ID: prefix + "." + ind.suffix, Level: ind.level,
			Summary: ind.message, Help: fmt.Sprintf("Matched by the pattern %s over the binary's printable strings.", ind.re)})
	}
	return rules
}

// join concatenates strs, one per line, so endpoint.Find runs once over
// the whole binary; offsets maps a position in the text back to the file.
func join(strs []String) ([]byte, offsets) {
	var b strings.Builder
	offs := offsets{}
	for _, s := range strs {
		offs.text = append(offs.text, b.Len())
		offs.file = append(offs.file, s.Offset)
		offs.wide = append(offs.wide, s.Wide)
		b.WriteString(s.Text)
		b.WriteByte('\n')
	}
	return []byte(b.String()), offs
}

type offsets struct {
	text []int
	file []int64
	wide []bool
}

// at returns the file offset of position pos in the joined text.
func (o offsets) at(pos int) int64 {
	i := sort.SearchInts(o.text, pos+1) - 1
	if i < 0 {
		return 0
	}
	d := int64(pos - o.text[i])
	if o.wide[i] {
		d *= 2
	}
	return o.file[i] + d
}

// str returns the string that holds position pos of the joined text.
func (o offsets) str(strs []String, pos int) string {
	if i := sort.SearchInts(o.text, pos+1) - 1; i >= 0 {
		return strs[i].Text
	}
	return ""
}

// versionLike reports whether an address is local (loopback, private),
// or whether a dotted quad is more likely a version
// number or an object identifier than an address: binaries are full of
// "1.0.0.0" in manifests and version resources and of "2.5.29.15" in
// certificate code, an address ending in .0 names a network rather than
// a host, and addresses below 10.0.0.0 are rarely hard-coded servers.
func versionLike(ip, context string) bool {
	if a, err := netip.ParseAddr(ip); err == nil && (a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255})) {
		return true // not a server anyone can reach from outside, or broadcast
	}
	first, _, _ := strings.Cut(ip, ".")
	return len(first) == 1 || strings.HasSuffix(ip, ".0") || strings.Contains(strings.ToLower(context), "version")
}

// dedupe keeps the first finding of each rule and match: a URL repeated
// a hundred times in a binary is one capability.
func dedupe(fs []report.Finding) []report.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if seen[f.Key()] {
			continue
		}
		seen[f.Key()] = true
		out = append(out, f)
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
