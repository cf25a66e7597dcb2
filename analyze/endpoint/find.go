// Package endpoint finds network endpoints (URLs, domains, IP addresses)
// in code and data, and flags names that imitate the vendor's own domains
// or a well-known brand. (Extraction not written yet.)
package endpoint

// Hit is one network endpoint found in text.
type Hit struct {
	Kind   string // "url", "ip" or "domain"
	Value  string // as written, e.g. "https://cdn.example.com/a.js"
	Host   string // lower-cased host name or IP address
	Offset int    // byte offset of Value in the input
}

// Find returns every endpoint in text, in order of offset.
func Find(text []byte) []Hit { return nil }
