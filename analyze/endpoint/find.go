// Package endpoint finds network endpoints (URLs, domains, IP addresses)
// in code and data, and flags names that imitate the vendor's own domains
// or a well-known brand.
package endpoint

import (
	"bytes"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Hit is one network endpoint found in text.
type Hit struct {
	Kind   string // "url", "ip" or "domain"
	Value  string // as written, e.g. "https://cdn.example.com/a.js"
	Host   string // lower-cased host name or IP address
	Offset int    // byte offset of Value in the input
}

// MaxHits bounds the hits Find returns for one input, so that a data file
// of a million URLs costs no more than reading it.
const MaxHits = 10000

// Find returns every endpoint in text, in order of offset. It reads text
// once, in runs of host characters, so its cost is linear in the input.
func Find(text []byte) []Hit {
	var hits []Hit
	for i := 0; i < len(text) && len(hits) < MaxHits; {
		if !isHostChar(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isHostChar(text[j]) {
			j++
		}
		if end, ok := urlAt(text, i, j); ok {
			if h, ok := urlHit(string(text[i:end]), i); ok {
				hits = append(hits, h)
			}
			i = end
			continue
		}
		hits = appendRun(hits, text, i, j)
		i = j
	}
	return hits
}

// isHostChar reports whether c can be part of a host name, an address, a
// port or a URL scheme.
func isHostChar(c byte) bool { return isWord(c) || c == '.' || c == '-' || c == ':' }

// schemes are the URL schemes Find reads.
var schemes = setOf("http", "https", "ftp", "ftps", "ws", "wss", "sftp", "ssh", "git", "tcp", "udp")

// urlAt reports whether the run text[i:j] is a scheme followed by "://",
// and if so where the URL ends.
func urlAt(text []byte, i, j int) (int, bool) {
	k := i
	for k < j && isLetter(text[k]) {
		k++
	}
	if k >= len(text) || k-i > 5 || !schemes[strings.ToLower(string(text[i:k]))] ||
		!bytes.HasPrefix(text[k:], []byte("://")) {
		return 0, false
	}
	end := k + 3
	for end < len(text) && !urlStop(text[end]) {
		end++
	}
	return end, true
}

func urlStop(c byte) bool {
	return c <= ' ' || c == 0x7f || strings.IndexByte("\"'<>`\\{}|^", c) >= 0
}

// appendRun splits a run of host characters at its colons (host:port,
// a ternary) and keeps the pieces that are addresses or host names. A run
// that is wholly an IPv6 literal is kept whole.
func appendRun(hits []Hit, text []byte, i, j int) []Hit {
	run := string(text[i:j])
	if strings.Count(run, ":") >= 3 {
		if h, ok := ipv6Hit(text, run, i, j); ok {
			return append(hits, h)
		}
	}
	off := i
	for _, p := range strings.Split(run, ":") {
		start, end := off, off+len(p)
		off = end + 1
		for start < end && strings.IndexByte(".-_", text[start]) >= 0 {
			start++
		}
		for end > start && strings.IndexByte(".-_", text[end-1]) >= 0 {
			end--
		}
		if end-start < 4 || bytes.IndexByte(text[start:end], '.') < 0 {
			continue
		}
		s := string(text[start:end])
		var h Hit
		var ok bool
		if isDottedQuad(s) {
			h, ok = ipv4Hit(text, s, start, end)
		} else {
			h, ok = domainHit(text, s, start, end)
		}
		if ok {
			hits = append(hits, h)
		}
	}
	return hits
}

// urlHit trims the punctuation prose and code put after a URL and keeps
// it if its host is a usable name or address.
func urlHit(s string, start int) (Hit, bool) {
	for s != "" {
		c := s[len(s)-1]
		if c == ')' && strings.Count(s, ")") <= strings.Count(s, "(") || strings.IndexByte(".,;:!?)]'*", c) < 0 {
			break
		}
		s = s[:len(s)-1]
	}
	u, err := url.Parse(s)
	if err != nil {
		// A template or a stray character after the host; keep the host.
		rest := s[strings.Index(s, "://")+3:]
		if i := strings.IndexAny(rest, "/?#$%"); i >= 0 {
			rest = rest[:i]
		}
		u = &url.URL{Host: rest}
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" {
		return Hit{}, false
	}
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.Unmap().String()
	} else {
		if ascii, err := idna.ToASCII(host); err == nil {
			host = ascii // an internationalized name, as its punycode
		}
		if !validHostname(host) {
			return Hit{}, false
		}
	}
	return Hit{Kind: "url", Value: s, Host: host, Offset: start}, true
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func isDottedQuad(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// ipv4Hit rejects dotted quads that are part of something longer: an OID
// (1.3.6.1.4.1), a version (v1.2.3.4, 1.2.3.4-beta), a decimal.
func ipv4Hit(text []byte, s string, start, end int) (Hit, bool) {
	if start > 0 {
		switch c := text[start-1]; {
		case c == '.' || c == 'v' || c == 'V' || c == '-' || c == '_' || isWord(c):
			return Hit{}, false
		}
	}
	if end < len(text) {
		c := text[end]
		if isWord(c) || c == '-' || (c == '.' && end+1 < len(text) && isDigit(text[end+1])) {
			return Hit{}, false
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return Hit{}, false
	}
	return Hit{Kind: "ip", Value: s, Host: a.String(), Offset: start}, true
}

// ipv6Hit accepts only full-looking literals: with a digit, three colons
// or more and nothing word-like around them, since "a::b" is C++.
func ipv6Hit(text []byte, s string, start, end int) (Hit, bool) {
	if strings.Count(s, ":") < 3 || !strings.ContainsAny(s, "0123456789") {
		return Hit{}, false
	}
	if start > 0 && (isWord(text[start-1]) || text[start-1] == ':' || text[start-1] == '.') {
		return Hit{}, false
	}
	if end < len(text) && (isWord(text[end]) || text[end] == ':' || text[end] == '.') {
		return Hit{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return Hit{}, false
	}
	return Hit{Kind: "ip", Value: s, Host: a.String(), Offset: start}, true
}

// domainHit keeps a dotted name only when it reads as a host name and not
// as code: a known TLD, lower case, not a member access like this.app or
// re.test(s), not a file name like index.js.
func domainHit(text []byte, s string, start, end int) (Hit, bool) {
	if start > 0 {
		c := text[start-1]
		if isWord(c) || c == '.' || c == '-' || c == '$' {
			return Hit{}, false
		}
	}
	if end < len(text) {
		c := text[end]
		if isWord(c) || c == '(' || c == '-' || c == '$' {
			return Hit{}, false
		}
	}
	if s != strings.ToLower(s) {
		return Hit{}, false
	}
	if !validHostname(s) || strings.Contains(s, "_") {
		return Hit{}, false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 || !bareTLDs[labels[len(labels)-1]] || objectNames[labels[0]] || len(labels) == 2 && codeNames[labels[0]] {
		return Hit{}, false
	}
	return Hit{Kind: "domain", Value: s, Host: s, Offset: start}, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_'
}

// bareTLDs are the top-level domains accepted for a name written without
// a scheme. The list leaves out TLDs that are also common file extensions
// or property names (.sh, .py, .md, .in, .am, .ac, .cc, .so, .br, .top,
// .email, .store, .page, .link), which would turn code into domains.
var bareTLDs = setOf(
	"com", "net", "org", "io", "co", "info", "biz", "edu", "gov", "mil",
	"dev", "app", "ai", "xyz", "me", "ly", "gg", "tv", "us", "uk", "de",
	"fr", "jp", "cn", "ru", "eu", "ca", "au", "nl", "ch", "su", "tk",
	"cloud", "online", "site", "icu", "pw",
	"example", "invalid", "test", "localhost", "onion",
)

// objectNames start member expressions and never a host name.
var objectNames = setOf(
	"this", "self", "window", "globalthis", "document", "module", "exports",
	"process", "require", "console", "super",
)

// codeNames are short identifiers that, followed by one dot and a TLD-like
// word, are far likelier code (req.app, e.dev) than a host.
var codeNames = setOf(
	"req", "res", "app", "ctx", "options",
	"opts", "config", "props", "state", "obj", "data", "err", "result",
	"e", "t", "n", "r", "i", "o", "a", "s", "c", "u", "l", "d", "f", "p",
	"x", "y", "os", "path", "fs", "util",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
