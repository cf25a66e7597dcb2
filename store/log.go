package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// Observation is a logged entry and its index in the ledger.
type Observation struct {
	Index int64 `json:"index"`
	ledger.Entry
}

// Report is the analysis stored with an observation.
type Report struct {
	BaseIndex int64  // the observation diffed against; -1 when none
	Scan      []byte // report.Report JSON
	Diff      []byte // report.Report JSON, empty when there was no base
	Error     string // why analysis failed, when it did
}

// FetchState is what conditional GET remembers about one URL.
type FetchState struct {
	URL          string
	ETag         string
	LastModified string
	SHA256       string // of the last bytes fetched from it
	Checked      string // RFC 3339
}

// FeedVersion is one version a feed listed at some point.
type FeedVersion struct {
	Source  string // the source's key
	Version string
	Digest  string // what the feed said the artifact's hash is, if it said
	Present bool   // listed in the latest fetch of the feed
}

// Commit is everything one observation changes, written together.
type Commit struct {
	Entry  *ledger.Entry // appended unless this exact observation is logged
	Report *Report       // stored against the entry's index (first time only)
	Fetch  *FetchState
	Feed   []FeedVersion
	// Alerts, if set, is called with the entry's index (-1 without an
	// entry) and whether it was appended now, and returns the alert bodies
	// to queue for delivery.
	Alerts func(index int64, appended bool) [][]byte
}

// Commit writes c in one transaction. It returns the entry's index and
// whether it was appended now; an entry already in the log (the same
// product, version, URL and bytes) is not appended again, so a watcher
// that is killed after committing and repeats its work adds nothing.
func (d *DB) Commit(ctx context.Context, c Commit) (index int64, appended bool, err error) {
	index = -1
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		index, appended = -1, false
		if c.Entry != nil {
			var err error
			index, appended, err = d.appendTx(ctx, tx, *c.Entry)
			if err != nil {
				return err
			}
			if appended && c.Report != nil {
				r := c.Report
				if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO reports (idx, base_idx, scan, diff, error) VALUES (?, ?, ?, ?, ?)`),
					index, r.BaseIndex, string(r.Scan), string(r.Diff), r.Error); err != nil {
					return err
				}
			}
		}
		if f := c.Fetch; f != nil {
			if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO fetch_state (url, etag, last_modified, sha256, checked) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, sha256 = excluded.sha256, checked = excluded.checked`),
				f.URL, f.ETag, f.LastModified, f.SHA256, f.Checked); err != nil {
				return err
			}
		}
		for _, v := range c.Feed {
			if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO feed_versions (source, version, digest, present) VALUES (?, ?, ?, ?)
				ON CONFLICT (source, version) DO UPDATE SET digest = excluded.digest, present = excluded.present`),
				v.Source, v.Version, v.Digest, boolInt(v.Present)); err != nil {
				return err
			}
		}
		if c.Alerts != nil {
			for _, body := range c.Alerts(index, appended) {
				if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO alerts (body, delivered) VALUES (?, 0)`), string(body)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return index, appended, err
}

// appendTx appends e to the ledger inside tx, holding the ledger head's
// lock so that concurrent watchers append one after the other.
func (d *DB) appendTx(ctx context.Context, tx *sql.Tx, e ledger.Entry) (int64, bool, error) {
	leaf, err := e.Hash()
	if err != nil {
		return 0, false, err
	}
	lock := `SELECT size FROM ledger_head WHERE id = 1`
	if d.pg {
		lock += ` FOR UPDATE`
	}
	var n int64
	if err := tx.QueryRowContext(ctx, lock).Scan(&n); err != nil {
		return 0, false, err
	}
	var idx int64
	err = tx.QueryRowContext(ctx, d.q(`SELECT idx FROM observations WHERE product = ? AND version = ? AND url = ? AND sha256 = ?`),
		e.Product, e.Version, e.URL, e.SHA256).Scan(&idx)
	if err == nil {
		return idx, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	hashes, err := tlog.StoredHashesForRecordHash(n, leaf, tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		return d.readHashes(ctx, tx, ix)
	}))
	if err != nil {
		return 0, false, err
	}
	if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO observations (idx, product, version, url, sha256, size, signer, first_seen, verdict)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		n, e.Product, e.Version, e.URL, e.SHA256, e.Size, e.Signer, e.FirstSeen, e.Verdict); err != nil {
		return 0, false, err
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`), base+int64(i), h[:]); err != nil {
			return 0, false, err
		}
	}
	if _, err := tx.ExecContext(ctx, d.q(`UPDATE ledger_head SET size = ? WHERE id = 1`), n+1); err != nil {
		return 0, false, err
	}
	return n, true, nil
}

// Size is the number of entries in the ledger.
func (d *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, `SELECT size FROM ledger_head WHERE id = 1`).Scan(&n)
	return n, err
}

// ReadHashes implements ledger.Source.
func (d *DB) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return d.readHashes(ctx, d.db, indexes)
}

func (d *DB) readHashes(ctx context.Context, q queryer, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	want := make(map[int64][]int, len(indexes))
	args := make([]any, 0, len(indexes))
	for i, x := range indexes {
		if want[x] == nil {
			args = append(args, x)
		}
		want[x] = append(want[x], i)
	}
	rows, err := q.QueryContext(ctx, d.q(`SELECT idx, hash FROM ledger_hashes WHERE idx IN (?`+strings.Repeat(", ?", len(args)-1)+`)`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var x int64
		var h []byte
		if err := rows.Scan(&x, &h); err != nil {
			return nil, err
		}
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("store: hash %d has %d bytes", x, len(h))
		}
		for _, i := range want[x] {
			copy(out[i][:], h)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(args) {
		return nil, fmt.Errorf("store: %d of %d ledger hashes missing", len(args)-found, len(args))
	}
	return out, nil
}

const obsColumns = `idx, product, version, url, sha256, size, signer, first_seen, verdict`

func scanObs(rows interface{ Scan(...any) error }) (Observation, error) {
	var o Observation
	err := rows.Scan(&o.Index, &o.Product, &o.Version, &o.URL, &o.SHA256, &o.Size, &o.Signer, &o.FirstSeen, &o.Verdict)
	return o, err
}

// Entries implements ledger.Source.
func (d *DB) Entries(ctx context.Context, n int64, fn func(int64, ledger.Entry) error) error {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+obsColumns+` FROM observations WHERE idx < ? ORDER BY idx`), n)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanObs(rows)
		if err != nil {
			return err
		}
		if err := fn(o.Index, o.Entry); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d *DB) observations(ctx context.Context, where string, args ...any) ([]Observation, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT `+obsColumns+` FROM observations WHERE `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		o, err := scanObs(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// BySHA256 returns every observation of these exact bytes, oldest first.
func (d *DB) BySHA256(ctx context.Context, sha string) ([]Observation, error) {
	return d.observations(ctx, `sha256 = ? ORDER BY idx`, sha)
}

// ByVersion returns every observation of one product version, oldest first.
func (d *DB) ByVersion(ctx context.Context, product, version string) ([]Observation, error) {
	return d.observations(ctx, `product = ? AND version = ? ORDER BY idx`, product, version)
}

// LastByURL returns the newest observation fetched from url.
func (d *DB) LastByURL(ctx context.Context, url string) (Observation, bool, error) {
	return first(d.observations(ctx, `url = ? ORDER BY idx DESC LIMIT 1`, url))
}

// Previous returns the product's newest observation whose bytes differ from
// sha: the release a new artifact is diffed against.
func (d *DB) Previous(ctx context.Context, product, sha string) (Observation, bool, error) {
	return first(d.observations(ctx, `product = ? AND sha256 <> ? ORDER BY idx DESC LIMIT 1`, product, sha))
}

// Last returns the product's newest observation.
func (d *DB) Last(ctx context.Context, product string) (Observation, bool, error) {
	return first(d.observations(ctx, `product = ? ORDER BY idx DESC LIMIT 1`, product))
}

// LastFrom returns the product's newest observation whose URL starts with
// prefix (a channel such as "https://registry.npmjs.org/").
func (d *DB) LastFrom(ctx context.Context, product, prefix string) (Observation, bool, error) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix)
	return first(d.observations(ctx, `product = ? AND url LIKE ? ESCAPE '\' ORDER BY idx DESC LIMIT 1`, product, esc+"%"))
}

func first(obs []Observation, err error) (Observation, bool, error) {
	if err != nil || len(obs) == 0 {
		return Observation{}, false, err
	}
	return obs[0], true, nil
}

// Report returns the analysis stored with an observation.
func (d *DB) Report(ctx context.Context, index int64) (Report, bool, error) {
	var r Report
	var scan, diff string
	err := d.db.QueryRowContext(ctx, d.q(`SELECT base_idx, scan, diff, error FROM reports WHERE idx = ?`), index).
		Scan(&r.BaseIndex, &scan, &diff, &r.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, false, nil
	}
	r.Scan, r.Diff = []byte(scan), []byte(diff)
	return r, err == nil, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
