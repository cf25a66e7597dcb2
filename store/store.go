// Package store keeps vigil watch's state: the ledger's rows and hashes,
// signed checkpoints, analysis reports, conditional-GET state, the
// versions each feed listed, claimed work and undelivered alerts. It runs
// on embedded SQLite (modernc.org/sqlite, the default, no setup) or on
// PostgreSQL (pgx), with the same schema and versioned migrations.
//
// Everything one observation changes is written by Commit in a single
// transaction, so a watcher killed at any moment leaves either all of it
// or none of it, and the ledger never has a gap or a duplicate.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// DB is an open store.
type DB struct {
	db *sql.DB
	pg bool
}

// Open opens the store named by dsn: a postgres:// or postgresql:// URL,
// or else the path of a SQLite file (created if missing). It applies any
// migrations the database has not seen yet.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := &DB{}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		d.pg = true
		d.db, err = sql.Open("pgx", dsn)
	} else {
		// WAL lets readers (vigil verify) run beside a watcher; immediate
		// transactions take the write lock up front, so two watchers on one
		// file queue instead of failing at commit; synchronous=FULL makes a
		// commit survive power loss, not just a crash.
		d.db, err = sql.Open("sqlite", "file:"+dsn+
			"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	}
	if err != nil {
		return nil, err
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Postgres reports whether the store is PostgreSQL.
func (d *DB) Postgres() bool { return d.pg }

// q rewrites a query written with ? placeholders for the store's dialect.
func (d *DB) q(query string) string {
	if !d.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction and commits it if fn succeeds.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Exec runs a statement outside vigil's own logic. Tests use it to tamper
// with rows behind vigil's back; nothing in vigil calls it.
func (d *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := d.db.ExecContext(ctx, d.q(query), args...)
	return err
}
