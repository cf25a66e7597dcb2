package watch

import (
	"context"
	"fmt"
	"testing"

	"github.com/vigilsec/vigil/store/storetest"
)

// BenchmarkCycle1000 runs one watch cycle over 1,000 products, each a
// download URL on one local server, after a first cycle has recorded them
// all. In each measured cycle 10 of the 1,000 (1%) serve new bytes, which
// are downloaded, analysed, diffed against their previous release and
// logged; the other 990 answer 304 Not Modified. Target: under 10 s.
func BenchmarkCycle1000(b *testing.B) {
	for _, bk := range storetest.Backends(b) {
		b.Run(bk.Name, func(b *testing.B) { benchCycle(b, bk.DSN) })
	}
}

func benchCycle(b *testing.B, dsn string) {
	const n, changed = 1000, 10
	site, srv := newVendor(b)
	var products []Product
	for i := range n {
		p := fmt.Sprintf("/p%04d/install.sh", i)
		site.set(p, []byte(fmt.Sprintf("#!/bin/sh\necho installing product %d\n", i)))
		products = append(products, Product{Name: fmt.Sprintf("product-%04d", i), Sources: []Source{{Type: "url", URL: srv.URL + p}}})
	}
	cfg := testConfig(b, dsn, "", products...)
	cfg.Workers = 16
	w := startWatcher(b, cfg)
	if st := cycle(b, w); st.Logged != n {
		b.Fatalf("first cycle: %+v", st)
	}
	b.ResetTimer()
	var last Stats
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := range changed {
			k := (i*changed + j) % n
			site.set(fmt.Sprintf("/p%04d/install.sh", k), []byte(fmt.Sprintf("#!/bin/sh\necho installing product %d, release %d\n", k, i+2)))
		}
		b.StartTimer()
		st, err := w.Cycle(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if st.NotModified != n-changed || st.Logged != changed || st.Errors != 0 {
			b.Fatalf("cycle: %+v", st)
		}
		last = st
	}
	b.StopTimer()
	b.ReportMetric(float64(last.NotModified), "not-modified/cycle")
	b.ReportMetric(float64(last.Logged), "logged/cycle")
}
