package watch

import (
	"net/url"
	"os"
	"testing"
)

// FuzzFeeds feeds hostile documents to every feed parser: they must not
// panic, and every item they return must belong to a listed version.
func FuzzFeeds(f *testing.F) {
	f.Add([]byte(`[{"tag_name":"v1","assets":[{"name":"a.tgz","browser_download_url":"https://x.example/a.tgz","digest":"sha256:00","uploader":{"login":"bot"}}]},{"tag_name":"v0","draft":true}]`))
	f.Add([]byte(`{"versions":{"1.0.0":{"dist":{"tarball":"https://r.example/a/-/a-1.0.0.tgz","integrity":"sha512-x"},"_npmUser":{"name":"alice"}},"2.0.0":{"dist":{}}},"time":{"1.0.0":"2026-01-01"}}`))
	f.Add([]byte(`{"releases":{"0.1":[{"filename":"p-0.1.whl","url":"https://f.example/p-0.1.whl","digests":{"sha256":"ab"},"yanked":true}],"0.2":[]}}`))
	f.Add([]byte("v1.0.0\nv1.1.0-rc.1\nnot a version\n\x00\n"))
	f.Add([]byte(`<a href="files/tool-1.2.3.tar.gz">x</a><a href="javascript:alert(1).tar.gz">y</a><a href="//evil.example/../t-9.tar.gz">`))
	if data, err := os.ReadFile("testdata/tiny-pad-1.0.0.tgz"); err == nil {
		f.Add(data)
	}
	page, _ := url.Parse("https://vendor.example/downloads/")
	idx := &Source{Type: "index", URL: page.String(), Pattern: `href="([^"]+\.tar\.gz)"`}
	if err := idx.check(); err != nil {
		f.Fatal(err)
	}
	gh := &Source{Type: "github", Repo: "o/r", Pattern: `\.tgz$`}
	gh.check()
	f.Fuzz(func(t *testing.T, data []byte) {
		var ls []listing
		if l, err := parseGitHub(data, gh); err == nil {
			ls = append(ls, l)
		}
		if l, err := parseNPM(data); err == nil {
			ls = append(ls, l)
		}
		if l, err := parsePyPI(data); err == nil {
			ls = append(ls, l)
		}
		ls = append(ls, parseGoList(data, "example.com/m", "https://proxy.example/example.com/m/@v/"))
		if l, err := parseIndex(data, page, idx); err == nil {
			ls = append(ls, l)
			for _, it := range l.Items {
				u, err := url.Parse(it.URL)
				if err != nil || u.Scheme != "http" && u.Scheme != "https" {
					t.Fatalf("index item with URL %q", it.URL)
				}
			}
		}
		for _, l := range ls {
			for _, it := range l.Items {
				if !contains(l.Versions, it.Version) {
					t.Fatalf("item %+v of a version the feed does not list (%q)", it, l.Versions)
				}
			}
		}
	})
}

// FuzzConfig parses hostile config files: errors, never panics.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"products":[{"name":"a","sources":[{"type":"url","url":"https://x.example/a-1.0.exe","version":"a-(.*)\\.exe"}]}]}`))
	f.Add([]byte(`{"products":[{"name":"a","sources":[{"type":"index","url":"https://x.example/","pattern":"(("}]}]}`))
	f.Add([]byte(`{"alert_level":"critical","http":{"timeout":"-1s","retries":-1},"alerts":{"webhooks":[{"url":""}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data, t.TempDir())
		if err != nil {
			return
		}
		if c.Workers <= 0 || c.HTTP.Timeout <= 0 || c.HTTP.MaxSize <= 0 {
			t.Fatalf("accepted config without bounds: %+v", c)
		}
	})
}

// FuzzVersion checks version extraction and ordering on hostile names:
// no panic, and compareVersions is antisymmetric.
func FuzzVersion(f *testing.F) {
	f.Add("ChatAgentSetup-10.0.72.exe", "10.0.9")
	f.Add("tool-2.1.0-rc.1.tar.gz", "2.1.0")
	f.Add("00000000000000000000000000001.2", "1.2")
	f.Fuzz(func(t *testing.T, a, b string) {
		versionFrom(a, nil)
		if x, y := compareVersions(a, b), compareVersions(b, a); (x < 0) != (y > 0) || (x == 0) != (y == 0) {
			t.Fatalf("compareVersions(%q, %q) = %d, reverse %d", a, b, x, y)
		}
	})
}
