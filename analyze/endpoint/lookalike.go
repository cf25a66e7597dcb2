package endpoint

import (
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/vigilsec/vigil/report"
)

// Registrable returns the name a registrant controls ("chatvern.example"
// for "updates.chatvern.example"), or host itself when it has none.
func Registrable(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// Label returns the registrable label of host: "chatvern" for
// "updates.chatvern.example", "bbc" for "www.bbc.co.uk".
func Label(host string) string {
	d := Registrable(host)
	suffix, _ := publicsuffix.PublicSuffix(d)
	return strings.TrimSuffix(strings.TrimSuffix(d, suffix), ".")
}

// Skeleton maps a label to the ASCII word it looks like: punycode is
// decoded, Cyrillic and Greek letters that look Latin become Latin, and the
// pairs a reader's eye merges (rn, vv, cl, 1, 0) become the letter they
// imitate. Two labels with one skeleton look the same on screen.
func Skeleton(label string) string {
	label = strings.ToLower(label)
	if strings.HasPrefix(label, "xn--") {
		if u, err := idna.Punycode.ToUnicode(label); err == nil {
			label = u
		}
	}
	var b strings.Builder
	for _, r := range label {
		if a, ok := homoglyphs[r]; ok {
			r = a
		}
		b.WriteRune(r)
	}
	s := b.String()
	for _, p := range confusables {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

var confusables = [][2]string{
	{"rn", "m"}, {"vv", "w"}, {"cl", "d"}, {"1", "l"}, {"0", "o"}, {"!", "i"},
}

var homoglyphs = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'х': 'x', 'у': 'y',
	'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ɡ': 'g', 'ո': 'n', 'һ': 'h',
	'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w', 'к': 'k', 'м': 'm', 'т': 't', 'в': 'b',
	'ο': 'o', 'α': 'a', 'ν': 'v', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'τ': 't',
	'ı': 'i', 'ɩ': 'i', 'ℓ': 'l',
}

// LookAlike reports whether two different registrable labels would be
// mistaken for each other: the same skeleton, or, for labels of six letters
// or more with the same first letter, one edit apart. Labels that are equal (jquery.com, jquery.org)
// are the same name and never look-alikes.
func LookAlike(a, b string) bool {
	if a == b || a == "" || b == "" {
		return false
	}
	if Skeleton(a) == Skeleton(b) {
		return true
	}
	// One edit away, but not at the first letter: cython and ipython are
	// other projects than python, while typosquats keep the first letter.
	return len(a) >= 6 && len(b) >= 6 && a[0] == b[0] && oneEdit(a, b) && !digitsOnlyDiffer(a, b) && !plural(a, b)
}

// plural is true for example and examples: a word and its plural are two
// names, seldom an imitation of one by the other.
func plural(a, b string) bool {
	return a+"s" == b || b+"s" == a
}

// oneEdit reports whether a becomes b by one substitution, insertion or
// deletion.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// digitsOnlyDiffer is true for numbered siblings like node12 and node14,
// which are series, not imitations.
func digitsOnlyDiffer(a, b string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, s)
	}
	return strip(a) == strip(b) && strip(a) != a
}

// brands maps a well-known brand label to the hyphenated registrable
// domains it really owns; the plain label (microsoft.com) is always its own.
var brands = map[string][]string{
	"microsoft": nil, "windows": nil, "office": nil, "azure": {"azure-api.net", "azure-devices.net", "azure-mobile.net"},
	"google": {"google-analytics.com"}, "github": nil, "gitlab": nil, "npmjs": nil,
	"pypi": nil, "python": {"python-poetry.org", "python-requests.org"}, "apple": nil, "icloud": nil, "amazon": nil, "aws": nil,
	"paypal": nil, "docker": nil, "cloudflare": {"cloudflare-dns.com", "cloudflare-ipfs.com", "cloudflare-gateway.com", "cloudflare-ech.com"},
	"facebook": nil, "slack": {"slack-edge.com", "slack-files.com", "slack-imgs.com", "slack-redir.net", "slack-msgs.com"},
	"discord": nil, "telegram": nil, "mozilla": nil, "nodejs": nil, "yarnpkg": nil,
	"jsdelivr": nil, "unpkg": nil, "binance": nil, "coinbase": nil, "metamask": nil,
	"openai": nil, "dropbox": nil, "okta": nil, "adobe": nil, "oracle": nil, "electron": nil,
}

// lureWords, next to a brand, make a name read like the brand's own
// service: where updates, logins and packages come from.
var lureWords = setOf(
	"update", "updates", "updater", "login", "signin", "secure", "security",
	"verify", "verification", "auth", "account", "accounts", "cdn", "registry",
	"download", "downloads", "install", "installer", "support", "official", "wallet",
)

// Impersonates reports whether host wraps a well-known brand in other words
// (microsoft-update-cdn.com) or spells it with confusable characters
// (rnicrosoft.com, a punycode homoglyph) without being the brand's own
// domain. The level is high for confusable spellings and for lure words
// like update or login, medium otherwise.
func Impersonates(host string) (brand string, lvl report.Level, ok bool) {
	label := Label(host)
	reg := Registrable(host)
	if _, own := brands[label]; own || label == "" {
		return "", report.None, false
	}
	if sk := Skeleton(label); sk != label {
		if _, ok := brands[sk]; ok {
			return sk, report.High, true
		}
	}
	parts := strings.Split(label, "-")
	if len(parts) < 2 {
		return "", report.None, false
	}
	for _, p := range parts {
		owned, isBrand := brands[p]
		if !isBrand {
			continue
		}
		for _, o := range owned {
			if o == reg {
				return "", report.None, false
			}
		}
		lvl := report.Medium
		for _, q := range parts {
			if lureWords[q] {
				lvl = report.High
			}
		}
		return p, lvl, true
	}
	return "", report.None, false
}
