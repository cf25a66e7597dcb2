package vigil

import (
	"context"
	"sort"
	"sync"

	"github.com/vigilsec/vigil/analyze"
	analyzers "github.com/vigilsec/vigil/analyze/all"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/walk"
)

// syncAnalysis is the size of container above which a scan analyses it
// before walking its entries.
const syncAnalysis = 16 << 20

// scanned is what is kept of one file once analysed: no bytes.
type scanned struct {
	path, rel string
	size      int64
	sha256    string
	kind      string
	analyzed
}

// Scan reports the risky capabilities of every file in the artifact at
// path, which may be a file, a directory or any supported container.
func Scan(ctx context.Context, path string, opt Options) (*report.Report, error) {
	files, problems, err := scanAll(ctx, path, opt, nil)
	if err != nil {
		return nil, err
	}
	set := newFileSet()
	facts := make([]analyze.FileFacts, 0, len(files))
	for _, s := range files {
		if len(s.findings) > 0 || opt.All {
			set.file(s.path, s).Findings = append(set.file(s.path, s).Findings, s.findings...)
		}
		facts = append(facts, s.fileFacts())
	}
	for _, p := range problems {
		set.add(p.Path, nil, p.Finding)
	}
	for _, l := range releaseFindings(nil, facts) {
		set.add(l.Path, nil, l.Finding)
	}
	r := &report.Report{Mode: "scan", Target: path, Files: set.list(opt.Suppress)}
	r.Summary.Files = len(files)
	r.Finish()
	return r, nil
}

// scanAll walks the artifact and analyses every file the keep function
// accepts (all of them when keep is nil), in parallel. Results come back
// in walk order.
func scanAll(ctx context.Context, path string, opt Options, keep func(*walk.Node) bool) ([]*scanned, []walk.Problem, error) {
	w := newWalker(opt)
	var (
		mu       sync.Mutex
		results  []*scanned
		problems []walk.Problem
	)
	p := newPool(opt.workers())
	timeout := opt.limits().FileTimeout
	w.Visit = func(n *walk.Node) {
		s := &scanned{path: n.Path, rel: n.Rel, size: n.Size, sha256: n.SHA256}
		mu.Lock()
		results = append(results, s)
		mu.Unlock()
		if keep != nil && !keep(n) {
			return
		}
		job := func() {
			a := analyzeNode(n, timeout)
			mu.Lock()
			s.analyzed, s.kind = a, kindOf(n, a.kind)
			done := len(results)
			mu.Unlock()
			if opt.Progress != nil {
				opt.Progress(done)
			}
		}
		if n.Format != "" && len(n.Data) > syncAnalysis {
			// A large container (an installer held whole for its
			// signature) is analysed before its entries are read, so that
			// its bytes are gone before theirs arrive.
			job()
			return
		}
		p.run(job)
	}
	w.Problem = func(pr walk.Problem) {
		mu.Lock()
		problems = append(problems, pr)
		mu.Unlock()
	}
	err := w.Walk(ctx, path)
	p.wait()
	return results, problems, err
}

func (s *scanned) fileFacts() analyze.FileFacts {
	return analyze.FileFacts{Path: s.path, Rel: s.rel, SHA256: s.sha256, Kind: s.analyzed.kind, Facts: s.facts}
}

// releaseFindings runs every release-wide check.
func releaseFindings(old, new []analyze.FileFacts) []analyze.Located {
	var out []analyze.Located
	for _, a := range analyzers.Analyzers() {
		ra, ok := a.(analyze.ReleaseAnalyzer)
		if !ok {
			continue
		}
		var got []analyze.Located
		failed := safely(a.Name(), func() []report.Finding {
			got = ra.AnalyzeRelease(old, new)
			return nil
		})
		out = append(out, got...)
		for _, f := range failed {
			out = append(out, analyze.Located{Path: "", Finding: f})
		}
	}
	return out
}

// fileSet gathers report entries by display path.
type fileSet struct {
	byPath map[string]*report.File
}

func newFileSet() *fileSet { return &fileSet{byPath: map[string]*report.File{}} }

// file returns the entry for path, creating it from s (which may be nil).
func (fs *fileSet) file(path string, s *scanned) *report.File {
	f := fs.byPath[path]
	if f == nil {
		f = &report.File{Path: path}
		fs.byPath[path] = f
	}
	if s != nil && f.SHA256 == "" {
		f.Size, f.SHA256, f.Kind = s.size, s.sha256, s.kind
	}
	return f
}

func (fs *fileSet) add(path string, s *scanned, fd ...report.Finding) {
	f := fs.file(path, s)
	f.Findings = append(f.Findings, fd...)
}

// list returns the entries with suppressions applied, in path order.
func (fs *fileSet) list(sup *Suppressions) []report.File {
	out := make([]report.File, 0, len(fs.byPath))
	for _, f := range fs.byPath {
		if sup.skipsFile(f) {
			continue
		}
		kept := f.Findings[:0]
		for _, fd := range f.Findings {
			if !sup.skipsFinding(f, fd) {
				kept = append(kept, fd)
			}
		}
		f.Findings = kept
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
