package watch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigilsec/vigil/blob"
	"github.com/vigilsec/vigil/ledger"
	"github.com/vigilsec/vigil/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Watcher runs cycles over a config's products.
type Watcher struct {
	cfg    *Config
	db     *store.DB
	blobs  *blob.Store
	fetch  *fetcher
	signer note.Signer
	sinks  []sink
	log    io.Writer

	mu    sync.Mutex
	stats Stats
}

// Stats counts what one cycle did.
type Stats struct {
	Products    int // polled (not claimed by another watcher)
	NotModified int // conditional GETs answered 304
	Fetched     int // artifacts downloaded
	Logged      int // new ledger entries
	Alerts      int // alerts delivered
	Errors      int // sources that failed
}

// New opens the watcher's store, blob store and signing key. Alerts for
// "jsonl": "-" go to stdout; progress and errors go to log.
func New(ctx context.Context, cfg *Config, stdout, log io.Writer) (*Watcher, error) {
	blobs, err := blob.Open(cfg.Blobs)
	if err != nil {
		return nil, err
	}
	blobs.MaxSize = cfg.HTTP.MaxSize
	signer, _, err := ledger.LoadKey(cfg.KeyFile, cfg.Origin)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: newTransport(cfg.HTTP)}
	w := &Watcher{
		cfg:    cfg,
		db:     db,
		blobs:  blobs,
		fetch:  &fetcher{client: client, cfg: cfg.HTTP, blobs: blobs},
		signer: signer,
		log:    log,
	}
	if cfg.Alerts.JSONL == "-" {
		w.sinks = append(w.sinks, &jsonlSink{w: stdout})
	} else if cfg.Alerts.JSONL != "" {
		w.sinks = append(w.sinks, &jsonlSink{path: cfg.Alerts.JSONL})
	}
	// Webhook receivers are the operator's own choice and often internal,
	// so the non-public address guard, which is there for feeds, does not
	// apply to them.
	hookHTTP := cfg.HTTP
	hookHTTP.AllowPrivate = true
	hookClient := &http.Client{Transport: newTransport(hookHTTP)}
	for _, h := range cfg.Alerts.Webhooks {
		w.sinks = append(w.sinks, &webhookSink{
			url: h.URL, secret: []byte(h.secret()), client: hookClient,
			retries: cfg.HTTP.Retries, backoff: time.Duration(cfg.HTTP.Backoff),
		})
	}
	return w, nil
}

// Close closes the store.
func (w *Watcher) Close() error { return w.db.Close() }

// DB is the watcher's store.
func (w *Watcher) DB() *store.DB { return w.db }

// Cycle polls every product once, delivers the alerts it raised (and any
// left from an earlier run), and signs a checkpoint of the ledger. Errors
// of single sources are logged and counted, not returned.
func (w *Watcher) Cycle(ctx context.Context) (Stats, error) {
	w.mu.Lock()
	w.stats = Stats{}
	w.mu.Unlock()
	// Alerts an earlier run queued but could not deliver go first.
	if n, err := w.deliver(ctx); err != nil {
		w.logf("alerts: %v", err)
	} else {
		w.count(func(s *Stats) { s.Alerts += n })
	}
	jobs := make(chan *Product)
	var wg sync.WaitGroup
	for range w.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				w.pollProduct(ctx, p)
			}
		}()
	}
	var held []string
	byName := map[string]*Product{}
	for i := range w.cfg.Products {
		byName[w.cfg.Products[i].Name] = &w.cfg.Products[i]
	}
	for start := 0; start < len(w.cfg.Products) && ctx.Err() == nil; start += claimBatch {
		var names []string
		for _, p := range w.cfg.Products[start:min(start+claimBatch, len(w.cfg.Products))] {
			names = append(names, "product:"+p.Name)
		}
		claimed, err := w.db.Claim(ctx, names, w.cfg.Owner, claimTTL)
		if err != nil {
			w.logf("claim: %v", err)
			w.count(func(s *Stats) { s.Errors += len(names) })
			continue
		}
		// Products another watcher sharing the database holds are its
		// work this time.
		slices.Sort(claimed)
		for _, name := range names {
			if _, ok := slices.BinarySearch(claimed, name); !ok {
				continue
			}
			select {
			case jobs <- byName[strings.TrimPrefix(name, "product:")]:
			case <-ctx.Done():
			}
		}
		held = append(held, claimed...)
	}
	close(jobs)
	wg.Wait()
	if err := w.db.Release(context.WithoutCancel(ctx), held, w.cfg.Owner); err != nil {
		w.logf("release: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return w.snapshot(), err
	}
	n, err := w.deliver(ctx)
	w.count(func(s *Stats) { s.Alerts += n })
	if err != nil {
		w.logf("alerts: %v", err)
	}
	if _, err := SignCheckpoint(ctx, w.db, w.signer); err != nil {
		return w.snapshot(), err
	}
	return w.snapshot(), nil
}

// SignCheckpoint signs and stores a checkpoint of the ledger as it is
// now, unless one of that size exists, and returns the signed note.
func SignCheckpoint(ctx context.Context, db *store.DB, signer note.Signer) ([]byte, error) {
	n, err := db.Size(ctx)
	if err != nil {
		return nil, err
	}
	root, err := tlog.TreeHash(n, ledger.HashReader(ctx, db))
	if err != nil {
		return nil, err
	}
	msg, err := ledger.Sign(ledger.Checkpoint{Origin: signer.Name(), Size: n, Hash: root}, signer)
	if err != nil {
		return nil, err
	}
	return msg, db.SaveCheckpoint(ctx, n, msg)
}

func (w *Watcher) snapshot() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

func (w *Watcher) count(fn func(*Stats)) {
	w.mu.Lock()
	fn(&w.stats)
	w.mu.Unlock()
}

func (w *Watcher) logf(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.log, "vigil watch: "+format+"\n", args...)
}

// claimTTL bounds how long a watcher that died keeps others off the
// products it claimed; the same watcher restarted takes them back at once.
const claimTTL = 30 * time.Minute

// claimBatch is how many products are claimed in one statement.
const claimBatch = 100

// pollProduct polls every source of a product this watcher claimed.
func (w *Watcher) pollProduct(ctx context.Context, p *Product) {
	w.count(func(s *Stats) { s.Products++ })
	for i := range p.Sources {
		s := &p.Sources[i]
		var err error
		if s.Type == "url" {
			err = w.pollURL(ctx, p, s)
		} else {
			err = w.pollFeed(ctx, p, s)
		}
		if err != nil {
			w.logf("%s: %s: %v", p.Name, s.Key(), err)
			w.count(func(s *Stats) { s.Errors++ })
		}
	}
}

// pollURL fetches a direct download URL with a conditional GET.
func (w *Watcher) pollURL(ctx context.Context, p *Product, s *Source) error {
	st, known, err := w.db.Fetch(ctx, s.URL)
	if err != nil {
		return err
	}
	hdr := http.Header{}
	if known && st.ETag != "" {
		hdr.Set("If-None-Match", st.ETag)
	}
	if known && st.LastModified != "" {
		hdr.Set("If-Modified-Since", st.LastModified)
	}
	resp, err := w.fetch.get(ctx, s.URL, hdr)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNotModified {
		resp.Body.Close()
		w.count(func(s *Stats) { s.NotModified++ })
		return nil
	}
	info, err := w.fetch.store(resp.Body, s.URL)
	resp.Body.Close()
	if err != nil {
		return err
	}
	w.count(func(s *Stats) { s.Fetched++ })
	fs := &store.FetchState{
		URL: s.URL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		SHA256: info.SHA256, Checked: now(),
	}
	if known && st.SHA256 == info.SHA256 {
		return w.db.SetFetch(ctx, *fs) // the server ignored the conditions; same bytes
	}
	name := fileName(resp, s.URL)
	a := artifact{Product: p.Name, Version: versionFrom(name, s.version), URL: s.URL, Name: name, Info: info, Immutable: s.Immutable,
		Flipped: known && st.SHA256 != ""}
	return w.observe(ctx, a, store.Commit{Fetch: fs}, nil)
}

// pollFeed lists a feed, raises the alerts its listing alone calls for
// (a version gone, a version back) and fetches the versions not seen yet.
// The first time a feed is seen only its Latest newest versions are
// fetched; the rest are recorded as listed.
func (w *Watcher) pollFeed(ctx context.Context, p *Product, s *Source) error {
	key := s.Key()
	known, err := w.db.FeedVersions(ctx, key)
	if err != nil {
		return err
	}
	l, err := w.fetch.list(ctx, s)
	if isNotFound(err) && len(known) > 0 {
		l, err = listing{}, nil // the whole package or tag is gone
	}
	if err != nil {
		return err
	}
	present := map[string]bool{}
	for _, v := range l.Versions {
		present[v] = true
	}
	items := map[string][]item{}
	for _, it := range l.Items {
		items[it.Version] = append(items[it.Version], it)
	}
	var rows []store.FeedVersion
	var alerts []Alert
	gone := make([]string, 0)
	for v, k := range known {
		if k.Present && !present[v] {
			gone = append(gone, v)
		}
	}
	sort.Strings(gone)
	for _, v := range gone {
		rows = append(rows, store.FeedVersion{Source: key, Version: v, Digest: known[v].Digest})
		alerts = append(alerts, w.feedAlert(VersionDisappeared, p.Name, v, s,
			fmt.Sprintf("version %s of %s is no longer listed by %s", v, p.Name, key)))
	}
	first := len(known) == 0
	fetched, failed := 0, 0
	for _, v := range l.Versions {
		k, seen := known[v]
		row := store.FeedVersion{Source: key, Version: v, Digest: digestOf(items[v]), Present: true}
		var extra []Alert
		fetch := false
		switch {
		case !seen:
			fetch = !first || fetched < s.Latest
		case !k.Present:
			extra = append(extra, w.feedAlert(VersionRepublished, p.Name, v, s,
				fmt.Sprintf("version %s of %s was removed from %s and is listed again", v, p.Name, key)))
			fetch = true
		case row.Digest != k.Digest && k.Digest != "":
			fetch = true // the feed vouches for other bytes now
		case row.Digest == k.Digest:
			continue
		}
		if !fetch || len(items[v]) == 0 {
			rows = append(rows, row)
			alerts = append(alerts, extra...)
			continue
		}
		fetched++
		if err := w.fetchVersion(ctx, p, s, items[v], row, extra); err != nil {
			w.logf("%s: %s: %s: %v", p.Name, key, v, err)
			failed++
		}
	}
	if len(rows) > 0 || len(alerts) > 0 {
		_, _, err := w.db.Commit(ctx, store.Commit{Feed: rows, Alerts: func(int64, bool) [][]byte { return bodies(alerts) }})
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d versions failed; they are retried next cycle", failed)
	}
	return nil
}

// fetchVersion downloads and observes every item of one version. The
// version's feed row is committed with its last item, so a version whose
// download was cut off is fetched again next cycle.
func (w *Watcher) fetchVersion(ctx context.Context, p *Product, s *Source, its []item, row store.FeedVersion, extra []Alert) error {
	for i, it := range its {
		rc, resp, err := w.fetch.open(ctx, it)
		if err != nil {
			return err
		}
		info, err := w.fetch.store(rc, it.URL)
		rc.Close()
		if err != nil {
			return err
		}
		w.count(func(s *Stats) { s.Fetched++ })
		name := it.Name
		if name == "" {
			name = fileName(resp, it.URL)
		}
		a := artifact{Product: p.Name, Version: it.Version, URL: it.URL, Name: name, Info: info, Signer: it.Signer, Immutable: s.Immutable}
		var c store.Commit
		var ex []Alert
		if i == len(its)-1 {
			c.Feed = []store.FeedVersion{row}
			ex = extra
		}
		if err := w.observe(ctx, a, c, ex); err != nil {
			return err
		}
	}
	return nil
}

// digestOf summarises what a feed says about a version's bytes: every
// item's name and digest, or "" when the feed gives no digests.
func digestOf(its []item) string {
	var parts []string
	for _, it := range its {
		if it.Digest == "" {
			return ""
		}
		parts = append(parts, it.Name+"="+it.Digest)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func (w *Watcher) feedAlert(kind, product, version string, s *Source, msg string) Alert {
	return Alert{
		ID: fmt.Sprintf("%s/%s/%s/%s", kind, product, version, now()), Kind: kind, Time: now(),
		Product: product, Version: version, URL: feedURL(s), Message: msg, Level: critical,
	}
}

func feedURL(s *Source) string {
	switch {
	case s.URL != "":
		return s.URL
	case s.Image != "":
		return "oci://" + s.Image
	case s.Repo != "":
		return "github:" + s.Repo
	}
	return s.Type + ":" + s.Package
}

// Sleep waits one interval of cfg, or until ctx ends.
func Sleep(ctx context.Context, cfg *Config) error { return sleep(ctx, time.Duration(cfg.Interval)) }
