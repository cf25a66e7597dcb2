package watch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vigilsec/vigil/ledger"
)

// TestSharedDatabase runs two watchers with different owners on one
// database at the same time, as a team running several watchers on
// PostgreSQL does: between them every artifact is logged exactly once and
// the log stays dense.
func TestSharedDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		site, srv := newVendor(t)
		var products []Product
		const n = 30
		for i := range n {
			p := fmt.Sprintf("/p%02d/tool-1.%d.sh", i, i)
			site.set(p, []byte(fmt.Sprintf("#!/bin/sh\necho %d\n", i)))
			products = append(products, Product{Name: fmt.Sprintf("p%02d", i), Sources: []Source{{Type: "url", URL: srv.URL + p}}})
		}
		var ws []*Watcher
		for _, owner := range []string{"east", "west"} {
			cfg := testConfig(t, dsn, "", products...)
			cfg.Owner = owner
			ws = append(ws, startWatcher(t, cfg))
		}
		var wg sync.WaitGroup
		stats := make([]Stats, len(ws))
		for i, w := range ws {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stats[i] = cycle(t, w)
			}()
		}
		wg.Wait()
		if logged := stats[0].Logged + stats[1].Logged; logged != n {
			t.Fatalf("logged %d between them, want %d (%+v)", logged, n, stats)
		}
		ctx := context.Background()
		size, _ := ws[0].DB().Size(ctx)
		if size != n {
			t.Fatalf("ledger size %d", size)
		}
		if _, err := ledger.Recompute(ctx, ws[0].DB(), size); err != nil {
			t.Fatal(err)
		}
		t.Logf("products polled: east %d, west %d", stats[0].Products, stats[1].Products)
	})
}

// TestVersionFromHeader takes the version from Content-Disposition when
// the URL's own name has none.
func TestVersionFromHeader(t *testing.T) {
	data := fixture(t, "tool-2.1.0.tar.gz")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="tool-2.1.0.tar.gz"`)
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "url", URL: srv.URL + "/download/latest"}}})
	w := startWatcher(t, cfg)
	cycle(t, w)
	obs, _ := w.DB().BySHA256(context.Background(), sha(data))
	if len(obs) != 1 || obs[0].Version != "2.1.0" {
		t.Fatalf("observations: %+v", obs)
	}
}

// TestVersionAndSignerFromPE serves the chat installer from a URL with no
// version in it: the version comes from its PE version resource and the
// signer from its Authenticode signature.
func TestVersionAndSignerFromPE(t *testing.T) {
	clean, _ := chatInstallers(t)
	site, srv := newVendor(t)
	site.set("/download/latest", clean)
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "chat-agent", Sources: []Source{{Type: "url", URL: srv.URL + "/download/latest"}}})
	w := startWatcher(t, cfg)
	cycle(t, w)
	obs, _ := w.DB().BySHA256(context.Background(), sha(clean))
	if len(obs) != 1 {
		t.Fatalf("observations: %+v", obs)
	}
	t.Logf("version %q, signer %q", obs[0].Version, obs[0].Signer)
	if !strings.HasPrefix(obs[0].Version, "10.0.72") || !strings.Contains(obs[0].Signer, "CN=") {
		t.Fatalf("version %q, signer %q", obs[0].Version, obs[0].Signer)
	}
}
