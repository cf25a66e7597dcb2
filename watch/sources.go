package watch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// item is one artifact a feed lists.
type item struct {
	Version string
	URL     string
	Name    string // file name, for the version and for analysis
	Digest  string // the feed's own hash of it ("sha256:…", "sha512-…"), if any
	Signer  string // the publisher the feed names, if any
	// open streams the artifact; nil means GET URL.
	open func(ctx context.Context) (io.ReadCloser, error)
}

// listing is what a feed lists now.
type listing struct {
	Items    []item   // grouped by version, newest version first
	Versions []string // every version listed
}

// list fetches a feed source's listing. Type url is not a feed and is
// handled by watcher.pollURL.
func (f *fetcher) list(ctx context.Context, s *Source) (listing, error) {
	var l listing
	var err error
	switch s.Type {
	case "github":
		l, err = f.github(ctx, s)
	case "npm":
		l, err = f.npm(ctx, s)
	case "pypi":
		l, err = f.pypi(ctx, s)
	case "gomod":
		l, err = f.gomod(ctx, s)
	case "oci":
		l, err = f.oci(ctx, s)
	case "index":
		l, err = f.index(ctx, s)
	default:
		return listing{}, fmt.Errorf("source type %q is not a feed", s.Type)
	}
	if err != nil {
		return listing{}, err
	}
	// Newest version first, and items of one version together, whatever
	// order the feed used.
	rank := map[string]int{}
	for i, v := range l.Versions {
		if _, ok := rank[v]; !ok {
			rank[v] = i
		}
	}
	sort.SliceStable(l.Items, func(i, j int) bool { return rank[l.Items[i].Version] < rank[l.Items[j].Version] })
	return l, nil
}

func accept(v string) http.Header { return http.Header{"Accept": {v}} }

func base(s *Source, def string) string {
	if s.Base != "" {
		return strings.TrimSuffix(s.Base, "/")
	}
	return def
}

// github lists releases through the REST API
// (GET /repos/{owner}/{repo}/releases), newest first as the API returns
// them. Drafts are skipped; Pattern filters asset names.
func (f *fetcher) github(ctx context.Context, s *Source) (listing, error) {
	data, _, err := f.getBytes(ctx, base(s, "https://api.github.com")+"/repos/"+s.Repo+"/releases?per_page=100", accept("application/vnd.github+json"))
	if err != nil {
		return listing{}, err
	}
	return parseGitHub(data, s)
}

func parseGitHub(data []byte, s *Source) (listing, error) {
	var rels []struct {
		Tag    string `json:"tag_name"`
		Draft  bool   `json:"draft"`
		Assets []struct {
			Name     string `json:"name"`
			URL      string `json:"browser_download_url"`
			Digest   string `json:"digest"`
			Uploader struct {
				Login string `json:"login"`
			} `json:"uploader"`
		} `json:"assets"`
	}
	if err := json.Unmarshal(data, &rels); err != nil {
		return listing{}, fmt.Errorf("github releases: %v", err)
	}
	var l listing
	for _, r := range rels {
		if r.Draft || r.Tag == "" {
			continue
		}
		l.Versions = append(l.Versions, r.Tag)
		for _, a := range r.Assets {
			if s.pattern != nil && !s.pattern.MatchString(a.Name) {
				continue
			}
			signer := ""
			if a.Uploader.Login != "" {
				signer = "github:" + a.Uploader.Login
			}
			l.Items = append(l.Items, item{Version: r.Tag, URL: a.URL, Name: a.Name, Digest: a.Digest, Signer: signer})
		}
	}
	return l, nil
}

// npm reads the package's packument (GET /{name}) and lists each
// version's tarball, with the publishing account as the signer.
func (f *fetcher) npm(ctx context.Context, s *Source) (listing, error) {
	name := strings.Replace(s.Package, "/", "%2F", 1) // @scope%2Fname
	data, _, err := f.getBytes(ctx, base(s, "https://registry.npmjs.org")+"/"+name, accept("application/json"))
	if err != nil {
		return listing{}, err
	}
	return parseNPM(data)
}

func parseNPM(data []byte) (listing, error) {
	var doc struct {
		Versions map[string]struct {
			Dist struct {
				Tarball   string `json:"tarball"`
				Integrity string `json:"integrity"`
				Shasum    string `json:"shasum"`
			} `json:"dist"`
			NPMUser struct {
				Name string `json:"name"`
			} `json:"_npmUser"`
		} `json:"versions"`
		Time map[string]string `json:"time"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return listing{}, fmt.Errorf("npm packument: %v", err)
	}
	var l listing
	for v, m := range doc.Versions {
		l.Versions = append(l.Versions, v)
		if m.Dist.Tarball == "" {
			continue
		}
		digest := m.Dist.Integrity
		if digest == "" && m.Dist.Shasum != "" {
			digest = "sha1:" + m.Dist.Shasum
		}
		signer := ""
		if m.NPMUser.Name != "" {
			signer = "npm:" + m.NPMUser.Name
		}
		l.Items = append(l.Items, item{Version: v, URL: m.Dist.Tarball, Name: path.Base(m.Dist.Tarball), Digest: digest, Signer: signer})
	}
	// Newest by publication time, then by version.
	sort.Slice(l.Versions, func(i, j int) bool {
		ti, tj := doc.Time[l.Versions[i]], doc.Time[l.Versions[j]]
		if ti != tj {
			return ti > tj
		}
		return semver.Compare("v"+l.Versions[i], "v"+l.Versions[j]) > 0
	})
	return l, nil
}

// pypi reads the project's JSON API (GET /pypi/{project}/json). A version
// whose every file is yanked counts as gone from the feed.
func (f *fetcher) pypi(ctx context.Context, s *Source) (listing, error) {
	data, _, err := f.getBytes(ctx, base(s, "https://pypi.org")+"/pypi/"+url.PathEscape(s.Package)+"/json", accept("application/json"))
	if err != nil {
		return listing{}, err
	}
	return parsePyPI(data)
}

func parsePyPI(data []byte) (listing, error) {
	var doc struct {
		Releases map[string][]struct {
			Filename string            `json:"filename"`
			URL      string            `json:"url"`
			Digests  map[string]string `json:"digests"`
			Uploaded string            `json:"upload_time_iso_8601"`
			Yanked   bool              `json:"yanked"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return listing{}, fmt.Errorf("pypi project: %v", err)
	}
	var l listing
	for v, files := range doc.Releases {
		live := false
		for _, fl := range files {
			if fl.Yanked {
				continue
			}
			live = true
			digest := ""
			if d := fl.Digests["sha256"]; d != "" {
				digest = "sha256:" + d
			}
			l.Items = append(l.Items, item{Version: v, URL: fl.URL, Name: fl.Filename, Digest: digest})
		}
		if live || len(files) == 0 {
			l.Versions = append(l.Versions, v)
		}
	}
	sort.Slice(l.Versions, func(i, j int) bool { return compareVersions(l.Versions[i], l.Versions[j]) > 0 })
	sort.SliceStable(l.Items, func(i, j int) bool { return l.Items[i].Name < l.Items[j].Name })
	return l, nil
}

// gomod speaks the module proxy protocol: GET /{module}/@v/list, then
// /{module}/@v/{version}.zip for each version fetched.
func (f *fetcher) gomod(ctx context.Context, s *Source) (listing, error) {
	esc, err := module.EscapePath(s.Package)
	if err != nil {
		return listing{}, err
	}
	root := base(s, "https://proxy.golang.org") + "/" + esc + "/@v/"
	data, _, err := f.getBytes(ctx, root+"list", nil)
	if err != nil {
		return listing{}, err
	}
	return parseGoList(data, s.Package, root), nil
}

func parseGoList(data []byte, mod, root string) listing {
	var l listing
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		v := strings.TrimSpace(sc.Text())
		if !semver.IsValid(v) {
			continue
		}
		ev, err := module.EscapeVersion(v)
		if err != nil {
			continue
		}
		l.Versions = append(l.Versions, v)
		l.Items = append(l.Items, item{Version: v, URL: root + ev + ".zip", Name: path.Base(mod) + "@" + v + ".zip"})
	}
	semver.Sort(l.Versions)
	for i, j := 0, len(l.Versions)-1; i < j; i, j = i+1, j-1 {
		l.Versions[i], l.Versions[j] = l.Versions[j], l.Versions[i]
	}
	return l
}

// index fetches an HTML or JSON page and lists every link Pattern finds
// (its first group, if it has one), resolved against the page's URL.
func (f *fetcher) index(ctx context.Context, s *Source) (listing, error) {
	data, resp, err := f.getBytes(ctx, s.URL, nil)
	if err != nil {
		return listing{}, err
	}
	return parseIndex(data, resp.Request.URL, s)
}

func parseIndex(data []byte, page *url.URL, s *Source) (listing, error) {
	var l listing
	seen := map[string]bool{}
	for _, m := range s.pattern.FindAllSubmatch(data, 10000) {
		link := string(m[0])
		if len(m) > 1 {
			link = string(m[1])
		}
		ref, err := url.Parse(strings.TrimSpace(htmlUnescape(link)))
		if err != nil {
			continue
		}
		abs := page.ResolveReference(ref)
		if abs.Scheme != "http" && abs.Scheme != "https" || seen[abs.String()] {
			continue
		}
		seen[abs.String()] = true
		name := path.Base(abs.Path)
		v := versionFrom(name, s.version)
		if v == "" {
			v = name
		}
		if !contains(l.Versions, v) {
			l.Versions = append(l.Versions, v)
		}
		l.Items = append(l.Items, item{Version: v, URL: abs.String(), Name: name})
	}
	if len(l.Items) == 0 {
		return listing{}, errors.New("index " + s.URL + ": pattern matched no links")
	}
	sort.SliceStable(l.Versions, func(i, j int) bool { return compareVersions(l.Versions[i], l.Versions[j]) > 0 })
	return l, nil
}

var htmlUnescape = strings.NewReplacer("&amp;", "&", "&#38;", "&", "&quot;", `"`, "&#39;", "'").Replace

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// open streams one item.
func (f *fetcher) open(ctx context.Context, it item) (io.ReadCloser, *http.Response, error) {
	if it.open != nil {
		rc, err := it.open(ctx)
		return rc, nil, err
	}
	resp, err := f.get(ctx, it.URL, nil)
	if err != nil {
		return nil, nil, err
	}
	return resp.Body, resp, nil
}

// now is the time recorded as first seen: UTC, whole seconds.
func now() string { return time.Now().UTC().Format(time.RFC3339) }
