package store_test

import (
	"context"
	"testing"

	"github.com/vigilsec/vigil/ledger"
	"github.com/vigilsec/vigil/store"
	"github.com/vigilsec/vigil/store/storetest"
	"golang.org/x/mod/sumdb/tlog"
)

// BenchmarkAppend measures one ledger append: a transaction that locks
// the head, reads the O(log n) hashes it needs, writes the row, its
// hashes and the new size, and commits durably (SQLite synchronous=FULL).
// It then reports the inclusion proof size measured at the final size.
func BenchmarkAppend(b *testing.B) {
	for _, bk := range storetest.Backends(b) {
		b.Run(bk.Name, func(b *testing.B) {
			ctx := context.Background()
			db, err := store.Open(ctx, bk.DSN)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := entry(i)
				if _, _, err := db.Commit(ctx, store.Commit{Entry: &e}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			n, _ := db.Size(ctx)
			p, err := tlog.ProveRecord(n, n/2, ledger.HashReader(ctx, db))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(p)*tlog.HashSize), "proof-bytes")
		})
	}
}
