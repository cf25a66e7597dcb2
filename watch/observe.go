package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/pe"
	"github.com/vigilsec/vigil/blob"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/ledger"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/store"
	"github.com/vigilsec/vigil/walk"
)

const critical = report.Critical

// artifact is one downloaded artifact, before it is logged.
type artifact struct {
	Product, Version, URL, Name string
	Info                        blob.Info
	Signer                      string // from the feed, if it names one
	Immutable                   bool   // its URL's bytes must never change
	// Flipped is set when the URL served other bytes at the previous
	// fetch: bytes seen before but not last time are a change too (a
	// server alternating between a clean and a tampered build).
	Flipped bool
}

// Unparsed is the verdict of an artifact the analysis could not read.
const Unparsed = "unparsed"

// analysisTimeout bounds the scan and diff of one artifact.
const analysisTimeout = 10 * time.Minute

// observe judges a downloaded artifact and commits it: the ledger entry,
// its report, the alerts it raises, and whatever else c carries (fetch
// state, feed rows), all in one transaction.
func (w *Watcher) observe(ctx context.Context, a artifact, c store.Commit, extra []Alert) error {
	path := w.blobs.Path(a.Info.SHA256)
	facts := artifactFacts(path, a.Name)
	if a.Signer == "" && facts[pe.FactSigned] == "yes" {
		a.Signer = facts[pe.FactSubject]
	}
	if a.Version == "" {
		a.Version = firstNonEmpty(facts[pe.FactVersion+"ProductVersion"], facts[pe.FactVersion+"FileVersion"], "unknown")
	}
	alerts, err := w.checks(ctx, a)
	if err != nil {
		return err
	}
	prev, hasPrev, err := w.db.Previous(ctx, a.Product, a.Info.SHA256)
	if err != nil {
		return err
	}
	// Bytes this product already shipped were judged already.
	rep := &store.Report{BaseIndex: -1}
	verdict := ""
	if same, err := w.db.BySHA256(ctx, a.Info.SHA256); err != nil {
		return err
	} else if len(same) > 0 {
		// Known bytes at a new place or under a new name: the old verdict
		// stands, and known-bad bytes turning up again are alerted again.
		o := same[0]
		verdict = o.Verdict
		if r, ok, err := w.db.Report(ctx, o.Index); err == nil && ok {
			rep = &r
		}
		if lvl, err := report.ParseLevel(verdict); err == nil && lvl >= w.cfg.alertLevel && lvl > report.None {
			alerts = append(alerts, Alert{Kind: RiskyRelease, Level: lvl, Previous: previous(o),
				Message: fmt.Sprintf("%s %s: these bytes were judged %s as %s %s (ledger entry %d)", a.Product, a.Version, verdict, o.Product, o.Version, o.Index)})
		} else if verdict == Unparsed {
			alerts = append(alerts, Alert{Kind: AnalysisFailed, Level: report.High, Previous: previous(o),
				Message: fmt.Sprintf("%s %s: these bytes could not be analysed as %s %s (ledger entry %d)", a.Product, a.Version, o.Product, o.Version, o.Index)})
		}
	} else {
		var base *store.Observation
		if hasPrev && w.blobs.Has(prev.SHA256) {
			base = &prev
		}
		var scan, diff *report.Report
		scan, diff, err = w.analyze(ctx, path, a.Name, base)
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: not a verdict, commit nothing
		}
		if err == nil {
			err = unreadable(scan)
		}
		switch {
		case err != nil:
			verdict = Unparsed
			rep.Error = err.Error()
			alerts = append(alerts, Alert{
				Kind: AnalysisFailed, Level: report.High,
				Message: fmt.Sprintf("%s %s could not be analysed: %v", a.Product, a.Version, err),
			})
		default:
			judged := scan
			rep.Scan, _ = json.Marshal(scan)
			if diff != nil {
				rep.BaseIndex = base.Index
				rep.Diff, _ = json.Marshal(diff)
				judged = diff // a new release is judged by what it adds
			}
			verdict = judged.Risk.String()
			if judged.Risk >= w.cfg.alertLevel && judged.Risk > report.None {
				msg := fmt.Sprintf("%s %s: analysis risk %s", a.Product, a.Version, judged.Risk)
				if diff != nil {
					msg += fmt.Sprintf(" in what it adds to %s", base.Version)
				}
				alerts = append(alerts, Alert{Kind: RiskyRelease, Level: judged.Risk, Message: msg, Findings: evidence(judged, w.cfg.alertLevel)})
			}
		}
	}
	e := ledger.Entry{
		Product: a.Product, Version: a.Version, URL: a.URL, SHA256: a.Info.SHA256, Size: a.Info.Size,
		Signer: a.Signer, FirstSeen: now(), Verdict: verdict,
	}
	c.Entry = &e
	c.Report = rep
	c.Alerts = func(idx int64, appended bool) [][]byte {
		var out []Alert
		if appended || a.Flipped {
			for _, al := range alerts {
				al.ID = fmt.Sprintf("%d/%s", idx, al.Kind)
				if !appended {
					al.ID += "/" + e.FirstSeen // a repeat of logged bytes
				}
				al.Time, al.Product, al.Version, al.URL, al.SHA256, al.Signer, al.Verdict = e.FirstSeen, e.Product, e.Version, e.URL, e.SHA256, e.Signer, e.Verdict
				al.LedgerIndex = &idx
				out = append(out, al)
			}
		}
		for _, al := range extra {
			al.SHA256, al.LedgerIndex = e.SHA256, &idx
			out = append(out, al)
		}
		return bodies(out)
	}
	idx, appended, err := w.db.Commit(ctx, c)
	if err != nil {
		return err
	}
	if appended {
		w.count(func(s *Stats) { s.Logged++ })
		w.logf("%s %s: entry %d, sha256 %s, verdict %s (%s)", a.Product, a.Version, idx, a.Info.SHA256, verdict, a.URL)
	}
	return nil
}

// checks raises the alerts that need no analysis: the same version or an
// immutable URL with other bytes, and a change of signer.
func (w *Watcher) checks(ctx context.Context, a artifact) ([]Alert, error) {
	var out []Alert
	same, err := w.db.ByVersion(ctx, a.Product, a.Version)
	if err != nil {
		return nil, err
	}
	swappedURL := false
	for i := len(same) - 1; i >= 0; i-- {
		if o := same[i]; o.SHA256 != a.Info.SHA256 {
			out = append(out, Alert{
				Kind: SameVersionNewBytes, Level: critical, Previous: previous(o),
				Message: fmt.Sprintf("%s %s was seen before with other bytes (sha256 %s, first seen %s at %s); the same version now has sha256 %s",
					a.Product, a.Version, o.SHA256, o.FirstSeen, o.URL, a.Info.SHA256),
			})
			swappedURL = o.URL == a.URL
			break
		}
	}
	if a.Immutable && !swappedURL {
		o, ok, err := w.db.LastByURL(ctx, a.URL)
		if err != nil {
			return nil, err
		}
		if ok && o.SHA256 != a.Info.SHA256 {
			out = append(out, Alert{
				Kind: URLBytesChanged, Level: critical, Previous: previous(o),
				Message: fmt.Sprintf("%s served sha256 %s (as %s) and now serves sha256 %s", a.URL, o.SHA256, o.Version, a.Info.SHA256),
			})
		}
	}
	// Signers are compared within one channel: a product published on
	// npm and on GitHub has a publisher on each.
	last, ok, err := w.db.LastFrom(ctx, a.Product, channel(a.URL))
	if err != nil {
		return nil, err
	}
	if ok && last.Signer != "" && last.Signer != a.Signer && last.SHA256 != a.Info.SHA256 {
		to := a.Signer
		if to == "" {
			to = "nobody (unsigned)"
		}
		out = append(out, Alert{
			Kind: SignerChanged, Level: critical, Previous: previous(last),
			Message: fmt.Sprintf("%s %s is signed by %s; %s was signed by %s", a.Product, a.Version, to, last.Version, last.Signer),
		})
	}
	return out, nil
}

// unreadable returns an error when the analysis could not open the
// artifact itself: its own container was malformed, unreadable or of a
// kind it cannot open, so the scan saw nothing inside it and its risk
// says nothing.
func unreadable(r *report.Report) error {
	for _, f := range r.Files {
		if strings.Contains(f.Path, walk.Sep) {
			continue
		}
		for _, fd := range f.Findings {
			if fd.Rule == walk.RuleOpen || fd.Rule == format.RuleMalformed || fd.Rule == format.RuleUnsupported {
				return fmt.Errorf("%s: %s", fd.Rule, fd.Message)
			}
		}
	}
	return nil
}

// channel is the scheme and host of an artifact's URL.
func channel(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return u
	}
	return pu.Scheme + "://" + pu.Host + "/"
}

func previous(o store.Observation) *Previous {
	return &Previous{LedgerIndex: o.Index, Version: o.Version, URL: o.URL, SHA256: o.SHA256, Signer: o.Signer, FirstSeen: o.FirstSeen}
}

// evidence lists the findings that carry a report's risk: the new ones at
// or above level, riskiest first, in the report's stable order.
func evidence(r *report.Report, level report.Level) []AlertFinding {
	var out []AlertFinding
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if fd.Level < level || r.Mode == "diff" && !fd.New {
				continue
			}
			if len(out) == maxAlertFindings {
				return out
			}
			out = append(out, AlertFinding{Path: f.Path, Rule: fd.Rule, Level: fd.Level, Message: fd.Message,
				Line: fd.Line, Offset: fd.Offset, Match: report.Snippet(fd.Match)})
		}
	}
	return out
}

// analyze scans the artifact and diffs it with the base release. Both
// are given their file names back (the blob store names files by hash),
// through hard links in a private directory; nothing is extracted.
func (w *Watcher) analyze(ctx context.Context, path, name string, base *store.Observation) (scan, diff *report.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			scan, diff, err = nil, nil, fmt.Errorf("analysis panicked: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, analysisTimeout)
	defer cancel()
	dir, err := os.MkdirTemp(filepath.Join(w.blobs.Dir, "tmp"), "scan-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	newPath, err := linkAs(path, filepath.Join(dir, "new"), name)
	if err != nil {
		return nil, nil, err
	}
	scan, err = vigil.Scan(ctx, newPath, vigil.Options{})
	if err != nil {
		return nil, nil, err
	}
	if base == nil {
		return scan, nil, nil
	}
	oldPath, err := linkAs(w.blobs.Path(base.SHA256), filepath.Join(dir, "old"), baseName(base.URL, name))
	if err != nil {
		return nil, nil, err
	}
	diff, err = vigil.Diff(ctx, oldPath, newPath, vigil.Options{})
	if err != nil {
		return nil, nil, err
	}
	return scan, diff, nil
}

// linkAs makes src visible as dir/name, with name reduced to a safe base
// name (it comes from a server).
func linkAs(src, dir, name string) (string, error) {
	name = safeName(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, name)
	if err := os.Link(src, dst); err != nil {
		if err := os.Symlink(src, dst); err != nil {
			return "", err
		}
	}
	return dst, nil
}

func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == ':' {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." || len(name) > 200 {
		return "artifact"
	}
	return name
}

func baseName(u, def string) string {
	if i := strings.LastIndexAny(u, "/"); i >= 0 && i < len(u)-1 {
		return u[i+1:]
	}
	return def
}

// maxFacts bounds how much of an artifact is read for its signer and
// version; larger artifacts keep the feed's word for both.
const maxFacts = 256 << 20

// artifactFacts reads a top-level PE's Authenticode signer and version
// resource with the PE analyzer's own fact recorder.
func artifactFacts(path, name string) map[string]string {
	facts := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return facts
	}
	defer f.Close()
	head := make([]byte, 2)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "MZ" {
		return facts
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() > maxFacts {
		return facts
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return facts
	}
	af := &analyze.File{Path: name, Data: data, Size: int64(len(data)), Kind: analyze.Sniff(name, data)}
	pe.Analyzer{}.Record(af, facts)
	return facts
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func bodies(alerts []Alert) [][]byte {
	var out [][]byte
	for _, a := range alerts {
		b, err := json.Marshal(a)
		if err == nil {
			out = append(out, b)
		}
	}
	return out
}
