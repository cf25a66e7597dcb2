package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Fetch returns what conditional GET remembers about url.
func (d *DB) Fetch(ctx context.Context, url string) (FetchState, bool, error) {
	f := FetchState{URL: url}
	err := d.db.QueryRowContext(ctx, d.q(`SELECT etag, last_modified, sha256, checked FROM fetch_state WHERE url = ?`), url).
		Scan(&f.ETag, &f.LastModified, &f.SHA256, &f.Checked)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

// SetFetch records conditional-GET state on its own, for a response that
// changes nothing else (304 Not Modified).
func (d *DB) SetFetch(ctx context.Context, f FetchState) error {
	_, _, err := d.Commit(ctx, Commit{Fetch: &f})
	return err
}

// FeedVersions returns every version the source's feed ever listed.
func (d *DB) FeedVersions(ctx context.Context, source string) (map[string]FeedVersion, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT version, digest, present FROM feed_versions WHERE source = ?`), source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]FeedVersion{}
	for rows.Next() {
		v := FeedVersion{Source: source}
		var present int
		if err := rows.Scan(&v.Version, &v.Digest, &present); err != nil {
			return nil, err
		}
		v.Present = present != 0
		out[v.Version] = v
	}
	return out, rows.Err()
}

// SaveCheckpoint stores a signed checkpoint for a tree size (the first
// one signed for that size wins; any later one has the same root).
func (d *DB) SaveCheckpoint(ctx context.Context, size int64, note []byte) error {
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO checkpoints (size, note) VALUES (?, ?) ON CONFLICT (size) DO NOTHING`), size, string(note))
	return err
}

// LatestCheckpoint returns the signed checkpoint of the largest tree.
func (d *DB) LatestCheckpoint(ctx context.Context) ([]byte, bool, error) {
	var note string
	err := d.db.QueryRowContext(ctx, `SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return []byte(note), err == nil, err
}

// Checkpoints returns every stored signed checkpoint, smallest tree first.
func (d *DB) Checkpoints(ctx context.Context) ([][]byte, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT note FROM checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var note string
		if err := rows.Scan(&note); err != nil {
			return nil, err
		}
		out = append(out, []byte(note))
	}
	return out, rows.Err()
}

// Alert is a queued alert body.
type Alert struct {
	ID   int64
	Body []byte
}

// PendingAlerts returns up to limit alerts not yet delivered, oldest first.
func (d *DB) PendingAlerts(ctx context.Context, limit int) ([]Alert, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT id, body FROM alerts WHERE delivered = 0 ORDER BY id LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var body string
		if err := rows.Scan(&a.ID, &body); err != nil {
			return nil, err
		}
		a.Body = []byte(body)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkDelivered records that an alert reached every sink.
func (d *DB) MarkDelivered(ctx context.Context, id int64) error {
	_, err := d.db.ExecContext(ctx, d.q(`UPDATE alerts SET delivered = 1 WHERE id = ?`), id)
	return err
}

// Claim takes the named pieces of work for owner for ttl, except those
// another owner holds an unexpired claim on, and returns the names it
// took. Several watchers sharing one database use it so that each product
// is polled by one of them at a time. One statement claims the whole
// batch, so claiming costs one commit per batch, not per product.
func (d *DB) Claim(ctx context.Context, names []string, owner string, ttl time.Duration) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	now := time.Now()
	until := now.Add(ttl).UnixMilli()
	args := make([]any, 0, 3*len(names)+1)
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = "(?, ?, ?)"
		args = append(args, n, owner, until)
	}
	args = append(args, now.UnixMilli())
	rows, err := d.db.QueryContext(ctx, d.q(`INSERT INTO leases (name, owner, until) VALUES `+strings.Join(values, ", ")+`
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
		WHERE leases.until < ? OR leases.owner = excluded.owner
		RETURNING name`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		got = append(got, n)
	}
	return got, rows.Err()
}

// Release gives up claims early, in statements of at most 500 names.
func (d *DB) Release(ctx context.Context, names []string, owner string) error {
	for len(names) > 0 {
		batch := names[:min(len(names), 500)]
		names = names[len(batch):]
		args := []any{owner}
		for _, n := range batch {
			args = append(args, n)
		}
		if _, err := d.db.ExecContext(ctx, d.q(`DELETE FROM leases WHERE owner = ? AND name IN (?`+strings.Repeat(", ?", len(batch)-1)+`)`), args...); err != nil {
			return err
		}
	}
	return nil
}
