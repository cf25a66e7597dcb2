package vigil

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/vigilsec/vigil/analyze"
	analyzers "github.com/vigilsec/vigil/analyze/all"
	"github.com/vigilsec/vigil/format"
	formats "github.com/vigilsec/vigil/format/all"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/walk"
)

// Rule IDs the engine itself reports.
const (
	ruleAnalyzerFailed  = "vigil.analyzer-failed"
	ruleAnalyzerTimeout = "vigil.analyzer-timeout"
)

// engineRules describes the rules of the engine itself.
func engineRules() []report.Rule {
	return []report.Rule{
		{ID: ruleAnalyzerFailed, Level: report.Low, Summary: "an analyzer failed on this file", Help: "An analyzer stopped with an internal error on hostile or unusual input. The file's other analyzers ran; report the file to the vigil developers."},
		{ID: ruleAnalyzerTimeout, Level: report.Low, Summary: "analysis took longer than the per-file limit", Help: "Analysis of the file was abandoned after --file-timeout; findings for it may be missing."},
	}
}

// Rules lists every rule vigil can report, sorted by ID.
func Rules() []report.Rule {
	var all []report.Rule
	all = append(all, engineRules()...)
	all = append(all, diffRules()...)
	all = append(all, walk.Rules()...)
	for _, a := range analyzers.Analyzers() {
		all = append(all, a.Rules()...)
	}
	seen := map[string]bool{}
	var out []report.Rule
	for _, r := range all {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (o Options) limits() format.Limits {
	if o.Limits == (format.Limits{}) {
		return format.DefaultLimits
	}
	return o.Limits
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func newWalker(o Options) *walk.Walker {
	return &walk.Walker{Limits: o.limits(), Formats: formats.Formats(), Dirs: formats.DirFormats(), MaxHeld: walk.DefaultMaxHeld}
}

// analyzed is one file after its analyzers ran.
type analyzed struct {
	kind     analyze.Kind
	findings []report.Finding
	facts    map[string]string
}

// analyzeNode runs every analyzer on one file. A panicking analyzer costs
// that analyzer's findings, not the run; a slow file is abandoned after
// the per-file timeout.
func analyzeNode(n *walk.Node, timeout time.Duration) analyzed {
	f := &analyze.File{Path: n.Path, Data: n.Data, Size: n.Size, Kind: analyze.Sniff(n.Path, n.Data)}
	done := make(chan analyzed, 1)
	go func() { done <- runAnalyzers(f) }()
	if timeout <= 0 {
		return <-done
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case a := <-done:
		return a
	case <-timer.C:
		return analyzed{kind: f.Kind, findings: []report.Finding{{
			Rule: ruleAnalyzerTimeout, Level: report.Low, Offset: -1,
			Message: fmt.Sprintf("analysis abandoned after %s", timeout),
		}}}
	}
}

func runAnalyzers(f *analyze.File) analyzed {
	out := analyzed{kind: f.Kind, facts: map[string]string{}}
	for _, a := range analyzers.Analyzers() {
		out.findings = append(out.findings, safely(a.Name(), func() []report.Finding {
			if r, ok := a.(analyze.FactRecorder); ok {
				r.Record(f, out.facts)
			}
			return a.Analyze(f)
		})...)
	}
	return out
}

// safely runs fn, turning a panic into a finding.
func safely(name string, fn func() []report.Finding) (fs []report.Finding) {
	defer func() {
		if r := recover(); r != nil {
			fs = []report.Finding{{
				Rule: ruleAnalyzerFailed, Level: report.Low, Offset: -1,
				Message: fmt.Sprintf("analyzer %s failed: %v", name, r),
			}}
		}
	}()
	return fn()
}

// pool runs jobs on n goroutines.
type pool struct {
	jobs chan func()
	wg   sync.WaitGroup
}

func newPool(n int) *pool {
	p := &pool{jobs: make(chan func(), n*2)}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for job := range p.jobs {
				job()
			}
		}()
	}
	return p
}

func (p *pool) run(job func()) { p.jobs <- job }

func (p *pool) wait() {
	close(p.jobs)
	p.wg.Wait()
}

// kindOf names what a file is in the report: its container format if it
// was opened as one, else its analysis kind.
func kindOf(n *walk.Node, k analyze.Kind) string {
	if n.Format != "" {
		return n.Format
	}
	return string(k)
}
