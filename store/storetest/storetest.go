// Package storetest gives tests a fresh store on every backend this
// machine has: a SQLite file always, and a new PostgreSQL schema when
// VIGIL_TEST_POSTGRES names a server (see .ci/postgres.sh).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Backend is one database to test against.
type Backend struct {
	Name string // "sqlite" or "postgres"
	DSN  string // for store.Open and vigil --db
}

// Backends returns a fresh SQLite file and, if configured, a fresh
// PostgreSQL schema that is dropped when the test ends.
func Backends(t testing.TB) []Backend {
	out := []Backend{{"sqlite", filepath.Join(t.TempDir(), "vigil.db")}}
	if pg := Postgres(t); pg != "" {
		out = append(out, Backend{"postgres", pg})
	}
	return out
}

// Postgres returns the DSN of a fresh schema, or "" when
// VIGIL_TEST_POSTGRES is unset.
func Postgres(t testing.TB) string {
	base := os.Getenv("VIGIL_TEST_POSTGRES")
	if base == "" {
		return ""
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "vigil_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("VIGIL_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
