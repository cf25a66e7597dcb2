package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// migrations are applied in order, each once, each in its own
// transaction. Never edit one that has shipped: add a new one. {{blob}}
// and {{serial}} are the dialect's byte-string and auto-increment key.
var migrations = []string{
	1: `
CREATE TABLE observations (
	idx        BIGINT PRIMARY KEY,
	product    TEXT NOT NULL,
	version    TEXT NOT NULL,
	url        TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	size       BIGINT NOT NULL,
	signer     TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	verdict    TEXT NOT NULL,
	UNIQUE (product, version, url, sha256)
);
CREATE INDEX observations_sha256 ON observations (sha256);
CREATE INDEX observations_product ON observations (product, idx);
CREATE INDEX observations_url ON observations (url, idx);
CREATE TABLE ledger_hashes (
	idx  BIGINT PRIMARY KEY,
	hash {{blob}} NOT NULL
);
CREATE TABLE ledger_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	size BIGINT NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);
CREATE TABLE checkpoints (
	size BIGINT PRIMARY KEY,
	note TEXT NOT NULL
);
CREATE TABLE reports (
	idx      BIGINT PRIMARY KEY,
	base_idx BIGINT,
	scan     TEXT NOT NULL,
	diff     TEXT NOT NULL,
	error    TEXT NOT NULL
);
CREATE TABLE fetch_state (
	url           TEXT PRIMARY KEY,
	etag          TEXT NOT NULL,
	last_modified TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	checked       TEXT NOT NULL
);
CREATE TABLE feed_versions (
	source  TEXT NOT NULL,
	version TEXT NOT NULL,
	digest  TEXT NOT NULL,
	present INTEGER NOT NULL,
	PRIMARY KEY (source, version)
);
CREATE TABLE leases (
	name  TEXT PRIMARY KEY,
	owner TEXT NOT NULL,
	until BIGINT NOT NULL
);
CREATE TABLE alerts (
	id        {{serial}},
	body      TEXT NOT NULL,
	delivered INTEGER NOT NULL
);
`,
}

func (d *DB) migrate(ctx context.Context) error {
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`
	if _, err := d.db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("store: %v", err)
	}
	for v := 1; v < len(migrations); v++ {
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			if d.pg {
				// Two watchers starting at once must not both migrate.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7307)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, d.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range strings.Split(d.dialect(migrations[v]), ";\n") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, d.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`),
				v, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %d: %v", v, err)
		}
	}
	return nil
}

// SchemaVersion is the newest migration applied.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}

func (d *DB) dialect(s string) string {
	if d.pg {
		return strings.NewReplacer("{{blob}}", "BYTEA", "{{serial}}", "BIGSERIAL PRIMARY KEY").Replace(s)
	}
	return strings.NewReplacer("{{blob}}", "BLOB", "{{serial}}", "INTEGER PRIMARY KEY AUTOINCREMENT").Replace(s)
}
