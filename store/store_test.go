package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/ledger"
	"github.com/vigilsec/vigil/store"
	"github.com/vigilsec/vigil/store/storetest"
	"golang.org/x/mod/sumdb/tlog"
)

func entry(i int) ledger.Entry {
	return ledger.Entry{
		Product: "chat-agent", Version: fmt.Sprintf("10.0.%d", i),
		URL: "https://downloads.example/ChatAgentSetup.exe", SHA256: fmt.Sprintf("%064x", i),
		Size: int64(i), FirstSeen: "2026-11-27T03:00:00Z", Verdict: "none",
	}
}

func forEach(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.DSN) })
	}
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != 1 {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
		db.Close()
		db = open(t, dsn) // again: nothing to do, nothing fails
		if n, err := db.Size(ctx); err != nil || n != 0 {
			t.Fatalf("Size = %d, %v", n, err)
		}
	})
}

func TestCommitAppendsOnce(t *testing.T) {
	forEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		for i := range 10 {
			e := entry(i)
			idx, appended, err := db.Commit(ctx, store.Commit{
				Entry:  &e,
				Report: &store.Report{BaseIndex: int64(i) - 1, Scan: []byte(`{}`)},
				Fetch:  &store.FetchState{URL: e.URL, ETag: fmt.Sprint(i), SHA256: e.SHA256},
				Feed:   []store.FeedVersion{{Source: "s", Version: e.Version, Present: true}},
				Alerts: func(idx int64, appended bool) [][]byte {
					return [][]byte{[]byte(fmt.Sprintf(`{"index":%d}`, idx))}
				},
			})
			if err != nil || idx != int64(i) || !appended {
				t.Fatalf("Commit %d = %d, %v, %v", i, idx, appended, err)
			}
		}
		// The same observation again is not a new entry.
		e := entry(3)
		idx, appended, err := db.Commit(ctx, store.Commit{Entry: &e})
		if err != nil || idx != 3 || appended {
			t.Fatalf("repeat Commit = %d, %v, %v", idx, appended, err)
		}
		n, _ := db.Size(ctx)
		mem, err := ledger.Recompute(ctx, db, n)
		if err != nil || n != 10 {
			t.Fatalf("Recompute(%d): %v", n, err)
		}
		if _, err := tlog.TreeHash(n, mem); err != nil {
			t.Fatal(err)
		}
		if obs, _ := db.BySHA256(ctx, entry(4).SHA256); len(obs) != 1 || obs[0].Index != 4 || obs[0].Entry != entry(4) {
			t.Fatalf("BySHA256 = %+v", obs)
		}
		if o, ok, _ := db.Previous(ctx, "chat-agent", entry(9).SHA256); !ok || o.Index != 8 {
			t.Fatalf("Previous = %+v, %v", o, ok)
		}
		if o, ok, _ := db.LastFrom(ctx, "chat-agent", "https://downloads.example/"); !ok || o.Index != 9 {
			t.Fatalf("LastFrom = %+v, %v", o, ok)
		}
		if _, ok, _ := db.LastFrom(ctx, "chat-agent", "https://downloads_example/"); ok {
			t.Fatal("LastFrom treated _ as a wildcard")
		}
		if r, ok, _ := db.Report(ctx, 2); !ok || r.BaseIndex != 1 || string(r.Scan) != "{}" {
			t.Fatalf("Report = %+v, %v", r, ok)
		}
		if f, ok, _ := db.Fetch(ctx, entry(0).URL); !ok || f.ETag != "9" {
			t.Fatalf("Fetch = %+v, %v", f, ok)
		}
		if fv, _ := db.FeedVersions(ctx, "s"); len(fv) != 10 || !fv["10.0.5"].Present {
			t.Fatalf("FeedVersions = %+v", fv)
		}
		al, _ := db.PendingAlerts(ctx, 100)
		if len(al) != 10 || string(al[0].Body) != `{"index":0}` {
			t.Fatalf("PendingAlerts = %+v", al)
		}
		db.MarkDelivered(ctx, al[0].ID)
		if al2, _ := db.PendingAlerts(ctx, 100); len(al2) != 9 {
			t.Fatalf("after MarkDelivered: %d pending", len(al2))
		}
	})
}

// TestTamper rewrites a ledger row in the database, behind vigil's back,
// and checks that recomputation names it.
func TestTamper(t *testing.T) {
	forEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		for i := range 5 {
			e := entry(i)
			if _, _, err := db.Commit(ctx, store.Commit{Entry: &e}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec(ctx, `UPDATE observations SET verdict = 'none', sha256 = ? WHERE idx = 2`, fmt.Sprintf("%064x", 99)); err != nil {
			t.Fatal(err)
		}
		_, err := ledger.Recompute(ctx, db, 5)
		if err == nil || !strings.Contains(err.Error(), "entry 2") {
			t.Fatalf("Recompute after tampering = %v", err)
		}
		if err := db.Exec(ctx, `DELETE FROM observations WHERE idx = 4`); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.Recompute(ctx, db, 5); err == nil {
			t.Fatal("Recompute accepted a deleted row")
		}
	})
}

// TestConcurrentAppend has several connections append at once, as several
// watchers sharing a database do: the log must come out dense.
func TestConcurrentAppend(t *testing.T) {
	forEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		dbs := []*store.DB{open(t, dsn), open(t, dsn), open(t, dsn)}
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for w, db := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					e := entry(w*100 + i)
					if _, _, err := db.Commit(ctx, store.Commit{Entry: &e}); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n, _ := dbs[0].Size(ctx)
		if n != 60 {
			t.Fatalf("Size = %d, want 60", n)
		}
		if _, err := ledger.Recompute(ctx, dbs[0], n); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClaim(t *testing.T) {
	forEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		claim := func(owner string, ttl time.Duration, names ...string) string {
			got, err := db.Claim(ctx, names, owner, ttl)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			return strings.Join(got, ",")
		}
		if got := claim("a", time.Minute, "p", "q"); got != "p,q" {
			t.Fatalf("a's first claim took %q", got)
		}
		if got := claim("b", time.Minute, "p", "q", "r"); got != "r" {
			t.Fatalf("b took %q, want only r", got)
		}
		if got := claim("a", time.Minute, "p"); got != "p" {
			t.Fatalf("a could not renew its claim: %q", got)
		}
		db.Release(ctx, []string{"p", "q"}, "a")
		if got := claim("b", -time.Second, "p", "q"); got != "p,q" {
			t.Fatalf("b could not claim released work: %q", got)
		}
		if got := claim("a", time.Minute, "p", "q", "r"); got != "p,q" {
			t.Fatalf("a took %q, want the expired p,q and not b's live r", got)
		}
	})
}
