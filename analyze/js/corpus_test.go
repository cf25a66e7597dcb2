package js

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/internal/corpustest"
	"github.com/vigilsec/vigil/report"
)

// corpusDir finds the shared corpus next to the repository root, or
// skips the test.
func corpusDir(t testing.TB) string {
	return corpustest.Dir(t)
}

// jsFile is one JavaScript file read out of a corpus artifact.
type jsFile struct {
	name string
	data []byte
}

func isJS(name string) bool {
	k := analyze.Sniff(name, nil)
	return k == analyze.JavaScript || k == analyze.TypeScript
}

// readArtifact returns the JavaScript files of a .tgz, .zip or .asar.
func readArtifact(t testing.TB, file string) []jsFile {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []jsFile
	switch {
	case strings.HasSuffix(file, ".tgz"):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(file, err)
			}
			if h.Typeflag == tar.TypeReg && isJS(h.Name) {
				data, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, jsFile{h.Name, data})
			}
		}
	case strings.HasSuffix(file, ".zip"):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if !isJS(f.Name) {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, jsFile{f.Name, data})
		}
	case strings.HasSuffix(file, ".asar"):
		out = readAsar(t, b)
	}
	return out
}

// readAsar reads an Electron archive: a pickled JSON header, then the
// files at the offsets it gives. Enough for the corpus, not a parser.
func readAsar(t testing.TB, b []byte) []jsFile {
	size := binary.LittleEndian.Uint32(b[4:8])
	n := binary.LittleEndian.Uint32(b[12:16])
	type node struct {
		Files  map[string]*node `json:"files"`
		Offset string           `json:"offset"`
		Size   int              `json:"size"`
	}
	var root node
	if err := json.Unmarshal(b[16:16+n], &root); err != nil {
		t.Fatal(err)
	}
	base := 8 + int(size)
	var out []jsFile
	var walk func(*node, string)
	walk = func(nd *node, dir string) {
		for name, c := range nd.Files {
			p := path.Join(dir, name)
			if c.Files != nil {
				walk(c, p)
				continue
			}
			var off int
			if err := json.Unmarshal([]byte(c.Offset), &off); err != nil || !isJS(p) {
				continue
			}
			out = append(out, jsFile{p, b[base+off : base+off+c.Size]})
		}
	}
	walk(&root, "")
	return out
}

func riskOf(fs []report.Finding) report.Level {
	var max report.Level
	for _, f := range fs {
		if f.Level > max {
			max = f.Level
		}
	}
	return max
}

// TestCorpus runs the analyzer over the JavaScript of the corpus: the
// tampered files must reach high, every file of a clean release (and of
// the real npm packages) must stay at medium or below.
func TestCorpus(t *testing.T) {
	corpus := corpusDir(t)
	cases := filepath.Join(corpus, "cases")
	tampered := map[string]string{ // artifact (case/after/...) → file that must be high
		"chat-agent-asar/after/app.asar":                          "main.js",
		"npm-obfuscated-index/after/ansi-hue-3.2.1.tgz":           "package/index.js",
		"npm-minified-append/after/event-pipes-3.3.6.tgz":         "package/node_modules/flatmap-pipe/dist/index.min.js",
		"action-dist/after/changed-paths-action-38.2.1.zip":       "changed-paths-action-38.2.1/dist/index.js",
		"npm-worm-postinstall/after/lumen-ui-tinycolor-4.1.1.tgz": "package/bundle.js",
	}
	arts, _ := filepath.Glob(filepath.Join(cases, "*", "*", "*"))
	var a Analyzer
	checked, found := 0, map[string]bool{}
	for _, art := range arts {
		rel, _ := filepath.Rel(cases, art)
		rel = filepath.ToSlash(rel)
		parts := strings.SplitN(rel, "/", 3)
		id, side := parts[0], parts[1]
		mustBeClean := strings.HasPrefix(id, "real-") || side == "before" || caseKind(t, cases, id) == "clean"
		for _, f := range readArtifact(t, art) {
			kind := analyze.Sniff(f.name, f.data)
			got := riskOf(a.Analyze(&analyze.File{Path: rel + "!/" + f.name, Data: f.data, Size: int64(len(f.data)), Kind: kind}))
			checked++
			switch {
			case tampered[rel] == f.name:
				found[rel] = true
				if got < report.High {
					t.Errorf("%s!/%s: risk %v, want high or above", rel, f.name, got)
				}
			case mustBeClean && got > report.Medium:
				t.Errorf("%s!/%s: risk %v, want medium or below", rel, f.name, got)
			}
		}
	}
	for rel := range tampered {
		if !found[rel] {
			t.Errorf("%s: tampered file not found", rel)
		}
	}
	// The honest updater of chat-agent-nsis-upgrade sits three containers
	// deep in an installer; its sources are in the build tree.
	apps, _ := filepath.Glob(filepath.Join(corpus, "build", "common", "chat-agent", "app-*", "*.js"))
	for _, p := range apps {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if got := riskOf(Inspect(data)); got > report.Medium {
			t.Errorf("%s: risk %v, want medium or below", p, got)
		}
	}
	if len(apps) == 0 {
		t.Error("chat-agent sources not found")
	}
	t.Logf("%d JavaScript files checked", checked)
}

func caseKind(t testing.TB, cases, id string) string {
	b, err := os.ReadFile(filepath.Join(cases, id, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Kind string }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.Kind
}
