package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/vigilsec/vigil/report"
)

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func wantKinds(t *testing.T, got []Alert, want ...string) {
	t.Helper()
	k := kinds(got)
	slices.Sort(k)
	slices.Sort(want)
	if !slices.Equal(k, want) {
		t.Fatalf("alerts = %v, want %v", k, want)
	}
	for _, a := range got {
		if a.Kind != RiskyRelease && a.Kind != AnalysisFailed && a.Level != report.Critical {
			t.Errorf("%s alert at %s, want critical", a.Kind, a.Level)
		}
	}
}

// newAlerts returns the alerts the JSON-lines sink got since the last call.
func newAlerts(t *testing.T, cfg *Config, seen *int) []Alert {
	all := jsonlAlerts(t, cfg)
	out := all[*seen:]
	*seen = len(all)
	var real []Alert
	for _, a := range out {
		if a.Kind != RiskyRelease { // analysis verdicts depend on the engine
			real = append(real, a)
		}
	}
	return real
}

// npmRegistry publishes a packument at /{name} and tarballs at
// /{name}/-/{name}-{version}.tgz, as registry.npmjs.org does.
type npmRegistry struct {
	site     *vendor
	base     string
	versions map[string]map[string]any
	times    map[string]string
}

func (r *npmRegistry) publish(version, user string, tgz []byte) {
	path := "/tiny-pad/-/tiny-pad-" + version + ".tgz"
	r.site.set(path, tgz)
	r.versions[version] = map[string]any{
		"name": "tiny-pad", "version": version,
		"dist":     map[string]any{"tarball": r.base + path, "shasum": sha(tgz)[:40], "integrity": "sha512-" + sha(tgz)},
		"_npmUser": map[string]any{"name": user},
	}
	r.times[version] = fmt.Sprintf("2026-11-%02dT00:00:00.000Z", len(r.times)+1)
	r.sync()
}

func (r *npmRegistry) unpublish(version string) {
	delete(r.versions, version)
	r.site.set("/tiny-pad/-/tiny-pad-"+version+".tgz", nil)
	r.sync()
}

func (r *npmRegistry) sync() {
	r.site.set("/tiny-pad", mustJSON(map[string]any{"name": "tiny-pad", "versions": r.versions, "time": r.times}))
}

func TestNPM(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		site, srv := newVendor(t)
		reg := &npmRegistry{site: site, base: srv.URL, versions: map[string]map[string]any{}, times: map[string]string{}}
		reg.publish("1.0.0", "alice", fixture(t, "tiny-pad-1.0.0.tgz"))
		reg.publish("1.0.1", "alice", fixture(t, "tiny-pad-1.0.1.tgz"))
		cfg := testConfig(t, dsn, "", Product{Name: "tiny-pad", Sources: []Source{{Type: "npm", Package: "tiny-pad", Base: srv.URL}}})
		w := startWatcher(t, cfg)
		seen := 0

		// First sight: only the newest version is fetched.
		if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
			t.Fatalf("first cycle: %+v", st)
		}
		obs, _ := w.DB().ByVersion(context.Background(), "tiny-pad", "1.0.1")
		if len(obs) != 1 || obs[0].Signer != "npm:alice" || obs[0].URL != srv.URL+"/tiny-pad/-/tiny-pad-1.0.1.tgz" {
			t.Fatalf("1.0.1: %+v", obs)
		}
		wantKinds(t, newAlerts(t, cfg, &seen))

		// A new version published by another account.
		reg.publish("1.0.2", "mallory", fixture(t, "tiny-pad-1.0.2.tgz"))
		if st := cycle(t, w); st.Logged != 1 {
			t.Fatalf("publish cycle: %+v", st)
		}
		wantKinds(t, newAlerts(t, cfg, &seen), SignerChanged)

		// 1.0.1 unpublished, then published again with other bytes.
		reg.unpublish("1.0.1")
		cycle(t, w)
		wantKinds(t, newAlerts(t, cfg, &seen), VersionDisappeared)
		reg.publish("1.0.1", "mallory", fixture(t, "tiny-pad-1.0.1-evil.tgz"))
		if st := cycle(t, w); st.Logged != 1 {
			t.Fatalf("republish cycle: %+v", st)
		}
		got := newAlerts(t, cfg, &seen)
		wantKinds(t, got, VersionRepublished, SameVersionNewBytes)
		if a := find(got, SameVersionNewBytes); a.Previous.SHA256 != sha(fixture(t, "tiny-pad-1.0.1.tgz")) {
			t.Fatalf("swap alert names %s as the old bytes", a.Previous.SHA256)
		}

		// Nothing new: nothing fetched, nothing raised.
		if st := cycle(t, w); st.Fetched != 0 || st.Logged != 0 {
			t.Fatalf("quiet cycle: %+v", st)
		}
		wantKinds(t, newAlerts(t, cfg, &seen))
	})
}

// TestGitHub serves GET /repos/{owner}/{repo}/releases with assets, a
// draft that must be ignored, and an asset that is quietly replaced.
func TestGitHub(t *testing.T) {
	site, srv := newVendor(t)
	rels := []map[string]any{}
	asset := func(tag, file, uploader string, data []byte) map[string]any {
		site.set("/dl/"+tag+"/"+file, data)
		return map[string]any{"name": file, "browser_download_url": srv.URL + "/dl/" + tag + "/" + file,
			"digest": "sha256:" + sha(data), "uploader": map[string]any{"login": uploader}}
	}
	publish := func() { site.set("/repos/acme/tool/releases", mustJSON(rels)) }
	rels = append(rels, map[string]any{"tag_name": "v2.0.0", "assets": []any{
		asset("v2.0.0", "tool-2.0.0.tar.gz", "ci-bot", fixture(t, "tool-2.0.0.tar.gz")),
		asset("v2.0.0", "checksums.txt", "ci-bot", []byte("x")),
	}})
	publish()
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "github", Repo: "acme/tool", Base: srv.URL, Pattern: `\.tar\.gz$`}}})
	w := startWatcher(t, cfg)
	seen := 0
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("first cycle: %+v", st)
	}
	// A draft is not a release; a new release is.
	rels = append([]map[string]any{
		{"tag_name": "v2.2.0-draft", "draft": true, "assets": []any{asset("v2.2.0", "tool-2.2.0.tar.gz", "ci-bot", []byte("draft"))}},
		{"tag_name": "v2.1.0", "assets": []any{asset("v2.1.0", "tool-2.1.0.tar.gz", "ci-bot", fixture(t, "tool-2.1.0.tar.gz"))}},
	}, rels...)
	publish()
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("second cycle: %+v", st)
	}
	wantKinds(t, newAlerts(t, cfg, &seen))
	// The v2.0.0 asset is replaced in place by someone else.
	rels[2]["assets"] = []any{asset("v2.0.0", "tool-2.0.0.tar.gz", "mallory", fixture(t, "tiny-pad-1.0.2.tgz"))}
	publish()
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("swap cycle: %+v", st)
	}
	wantKinds(t, newAlerts(t, cfg, &seen), SameVersionNewBytes, SignerChanged)
}

// TestPyPI serves the JSON API (GET /pypi/{project}/json); yanking every
// file of a version takes it off the feed.
func TestPyPI(t *testing.T) {
	site, srv := newVendor(t)
	files := map[string][]map[string]any{}
	release := func(v string, yanked bool) {
		name := "tinypkg-" + v + "-py3-none-any.whl"
		data := fixture(t, name)
		site.set("/packages/"+name, data)
		files[v] = []map[string]any{{"filename": name, "url": srv.URL + "/packages/" + name,
			"digests": map[string]any{"sha256": sha(data)}, "yanked": yanked, "packagetype": "bdist_wheel"}}
		site.set("/pypi/tinypkg/json", mustJSON(map[string]any{"info": map[string]any{"name": "tinypkg"}, "releases": files}))
	}
	release("0.1.0", false)
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tinypkg", Sources: []Source{{Type: "pypi", Package: "tinypkg", Base: srv.URL}}})
	w := startWatcher(t, cfg)
	seen := 0
	cycle(t, w)
	release("0.2.0", false)
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("release cycle: %+v", st)
	}
	release("0.1.0", true)
	cycle(t, w)
	wantKinds(t, newAlerts(t, cfg, &seen), VersionDisappeared)
	if n, _ := w.DB().Size(context.Background()); n != 2 {
		t.Fatalf("ledger size %d, want 2", n)
	}
}

// TestGoModule speaks the module proxy protocol, including the
// case-encoding of module paths ("!acme" for "Acme").
func TestGoModule(t *testing.T) {
	site, srv := newVendor(t)
	root := "/example.com/!acme/tiny/@v/"
	site.set(root+"list", []byte("v1.0.0\n"))
	site.set(root+"v1.0.0.zip", fixture(t, "tiny-v1.0.0.zip"))
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tiny", Sources: []Source{{Type: "gomod", Package: "example.com/Acme/tiny", Base: srv.URL}}})
	w := startWatcher(t, cfg)
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("first cycle: %+v", st)
	}
	site.set(root+"list", []byte("v1.0.0\nv1.1.0\nnot-a-version\n"))
	site.set(root+"v1.1.0.zip", fixture(t, "tiny-v1.1.0.zip"))
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("second cycle: %+v", st)
	}
	obs, _ := w.DB().ByVersion(context.Background(), "tiny", "v1.1.0")
	if len(obs) != 1 || !strings.HasSuffix(obs[0].URL, root+"v1.1.0.zip") || obs[0].SHA256 != sha(fixture(t, "tiny-v1.1.0.zip")) {
		t.Fatalf("v1.1.0: %+v", obs)
	}
}

// TestIndexPage follows an HTML download page with a link pattern.
func TestIndexPage(t *testing.T) {
	site, srv := newVendor(t)
	page := func(links ...string) {
		var b strings.Builder
		b.WriteString("<html><body><h1>Downloads</h1><ul>")
		for _, l := range links {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, l, l)
		}
		b.WriteString(`<li><a href="/about.html">about</a></li></ul></body></html>`)
		site.set("/downloads/", []byte(b.String()))
	}
	site.set("/downloads/files/tool-2.0.0.tar.gz", fixture(t, "tool-2.0.0.tar.gz"))
	site.set("/downloads/files/tool-2.1.0.tar.gz", fixture(t, "tool-2.1.0.tar.gz"))
	page("files/tool-2.0.0.tar.gz")
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "index", URL: srv.URL + "/downloads/", Pattern: `href="([^"]+\.tar\.gz)"`}}})
	w := startWatcher(t, cfg)
	seen := 0
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("first cycle: %+v", st)
	}
	page("files/tool-2.1.0.tar.gz", "files/tool-2.0.0.tar.gz")
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("second cycle: %+v", st)
	}
	obs, _ := w.DB().ByVersion(context.Background(), "tool", "2.1.0")
	if len(obs) != 1 || obs[0].URL != srv.URL+"/downloads/files/tool-2.1.0.tar.gz" {
		t.Fatalf("2.1.0: %+v", obs)
	}
	page("files/tool-2.1.0.tar.gz")
	cycle(t, w)
	wantKinds(t, newAlerts(t, cfg, &seen), VersionDisappeared)
}

// TestOCI follows an image tag on a real OCI distribution registry
// (go-containerregistry's in-memory registry), and catches the tag being
// pushed again with another image.
func TestOCI(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(nopLogger())))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	push := func() {
		img, err := random.Image(512, 2)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := name.ParseReference(host+"/acme/agent:1.4", name.Insecure)
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
	}
	push()
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "agent", Sources: []Source{{Type: "oci", Image: host + "/acme/agent:1.4", Insecure: true}}})
	w := startWatcher(t, cfg)
	seen := 0
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("first cycle: %+v", st)
	}
	if st := cycle(t, w); st.Fetched != 0 {
		t.Fatalf("unchanged tag was fetched again: %+v", st)
	}
	push()
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("re-push cycle: %+v", st)
	}
	wantKinds(t, newAlerts(t, cfg, &seen), SameVersionNewBytes)
	obs, _ := w.DB().ByVersion(context.Background(), "agent", "1.4")
	if len(obs) != 2 || obs[0].URL != "oci://"+host+"/acme/agent:1.4" {
		t.Fatalf("observations: %+v", obs)
	}
}

// TestTwoChannels follows one product on npm and on a vendor site: each
// channel has its own publisher, and an unsigned download after an npm
// release by alice is not a change of signer.
func TestTwoChannels(t *testing.T) {
	site, srv := newVendor(t)
	reg := &npmRegistry{site: site, base: srv.URL, versions: map[string]map[string]any{}, times: map[string]string{}}
	reg.publish("1.0.0", "alice", fixture(t, "tiny-pad-1.0.0.tgz"))
	// The same server under another name is another channel.
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	site.set("/dl/tiny-pad-1.0.1.tgz", fixture(t, "tiny-pad-1.0.1.tgz"))
	site.set("/dl/tiny-pad-1.0.2.tgz", fixture(t, "tiny-pad-1.0.2.tgz"))
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tiny-pad", Sources: []Source{
		{Type: "npm", Package: "tiny-pad", Base: srv.URL},
		{Type: "url", URL: other + "/dl/tiny-pad-1.0.1.tgz"},
	}})
	w := startWatcher(t, cfg)
	seen := 0
	if st := cycle(t, w); st.Logged != 2 || st.Errors != 0 {
		t.Fatalf("cycle: %+v", st)
	}
	// The download link moves on to 1.0.2; the last observation of the
	// product is alice's npm release, the last of this channel unsigned.
	reg.publish("1.0.1", "alice", fixture(t, "tiny-pad-1.0.1.tgz"))
	cycle(t, w)
	cfg.Products[0].Sources[1].URL = other + "/dl/tiny-pad-1.0.2.tgz"
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("third cycle: %+v", st)
	}
	wantKinds(t, newAlerts(t, cfg, &seen))
}

// TestSignerChangedPE follows an index page of Authenticode-signed
// releases: the next release is signed by another publisher, which is
// critical with no analysis needed.
func TestSignerChangedPE(t *testing.T) {
	site, srv := newVendor(t)
	site.set("/dl/hello-1.0.0.exe", fixture(t, "hello-signed-halyard.exe"))
	site.set("/dl/hello-1.0.1.exe", fixture(t, "hello-signed-norvale.exe"))
	site.set("/dl/", []byte(`<a href="hello-1.0.0.exe">1.0.0</a>`))
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "hello", Sources: []Source{{Type: "index", URL: srv.URL + "/dl/", Pattern: `href="([^"]+\.exe)"`}}})
	w := startWatcher(t, cfg)
	seen := 0
	cycle(t, w)
	wantKinds(t, newAlerts(t, cfg, &seen))
	site.set("/dl/", []byte(`<a href="hello-1.0.1.exe">1.0.1</a> <a href="hello-1.0.0.exe">1.0.0</a>`))
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("cycle: %+v", st)
	}
	got := newAlerts(t, cfg, &seen)
	wantKinds(t, got, SignerChanged)
	a := find(got, SignerChanged)
	if !strings.Contains(a.Previous.Signer, "alyard") || !strings.Contains(a.Signer, "orvale") {
		t.Fatalf("signer alert: %s -> %s", a.Previous.Signer, a.Signer)
	}
}
