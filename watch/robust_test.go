package watch

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetries has the server answer 503 twice before it serves the file:
// the watcher retries with backoff and logs the artifact once.
func TestRetries(t *testing.T) {
	site, srv := newVendor(t)
	site.set("/tool-2.0.0.tar.gz", fixture(t, "tool-2.0.0.tar.gz"))
	site.fail["/tool-2.0.0.tar.gz"] = 2
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "url", URL: srv.URL + "/tool-2.0.0.tar.gz"}}})
	w := startWatcher(t, cfg)
	if st := cycle(t, w); st.Logged != 1 || st.Errors != 0 {
		t.Fatalf("cycle: %+v", st)
	}
	if site.hits["/tool-2.0.0.tar.gz"] != 3 {
		t.Fatalf("%d requests, want 3", site.hits["/tool-2.0.0.tar.gz"])
	}
	// More failures than retries: an error, nothing logged.
	site.set("/tool-2.0.0.tar.gz", fixture(t, "tool-2.1.0.tar.gz"))
	site.fail["/tool-2.0.0.tar.gz"] = 10
	if st := cycle(t, w); st.Logged != 0 || st.Errors != 1 {
		t.Fatalf("failing cycle: %+v", st)
	}
}

// TestPartialDownload cuts the connection in the middle of the body and
// then serves an artifact over the size bound: neither is recorded, no
// blob is left behind, and the next good response is.
func TestPartialDownload(t *testing.T) {
	full := fixture(t, "tool-2.0.0.tar.gz")
	var mode atomic.Int32 // 0 cut, 1 huge, 2 good
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 0:
			w.Header().Set("Content-Length", "100000")
			w.Write(full[:50])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case 1:
			w.Write(make([]byte, 4096))
		default:
			w.Write(full)
		}
	}))
	t.Cleanup(srv.Close)
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "url", URL: srv.URL + "/tool-2.0.0.tar.gz"}}})
	cfg.HTTP.MaxSize = 1024
	w := startWatcher(t, cfg)
	ctx := context.Background()
	for m := range 2 {
		mode.Store(int32(m))
		if st := cycle(t, w); st.Logged != 0 || st.Errors != 1 {
			t.Fatalf("mode %d: %+v", m, st)
		}
		if n, _ := w.DB().Size(ctx); n != 0 {
			t.Fatalf("mode %d: ledger has %d entries", m, n)
		}
		if _, ok, _ := w.DB().Fetch(ctx, srv.URL+"/tool-2.0.0.tar.gz"); ok {
			t.Fatalf("mode %d: fetch state recorded for a failed download", m)
		}
	}
	blobs, _ := filepath.Glob(filepath.Join(cfg.Blobs, "*", "*"))
	for _, b := range blobs {
		if !strings.Contains(b, string(filepath.Separator)+"tmp") {
			t.Fatalf("partial blob left behind: %s", b)
		}
	}
	tmps, _ := os.ReadDir(filepath.Join(cfg.Blobs, "tmp"))
	if len(tmps) != 0 {
		t.Fatalf("temporary files left: %v", tmps)
	}
	mode.Store(2)
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("good cycle: %+v", st)
	}
}

// TestUnparsedArtifact serves a zip cut in half: it still gets a ledger
// entry, with verdict "unparsed", and an alert that says so.
func TestUnparsedArtifact(t *testing.T) {
	site, srv := newVendor(t)
	site.set("/pkg-1.0.0.zip", fixture(t, "fail_truncated.zip"))
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "pkg", Sources: []Source{{Type: "url", URL: srv.URL + "/pkg-1.0.0.zip"}}})
	w := startWatcher(t, cfg)
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("cycle: %+v", st)
	}
	obs, _ := w.DB().BySHA256(context.Background(), sha(fixture(t, "fail_truncated.zip")))
	if len(obs) != 1 || obs[0].Verdict != Unparsed {
		t.Fatalf("observation: %+v", obs)
	}
	a := find(jsonlAlerts(t, cfg), AnalysisFailed)
	if a == nil || a.LedgerIndex == nil || *a.LedgerIndex != 0 || a.Verdict != Unparsed {
		t.Fatalf("alert: %+v", a)
	}
	// The same bytes on a mirror: logged, not analysed again, and alerted
	// again with a pointer to the first observation.
	site.set("/mirror/pkg-1.0.0.zip", fixture(t, "fail_truncated.zip"))
	cfg.Products[0].Sources = append(cfg.Products[0].Sources, Source{Type: "url", URL: srv.URL + "/mirror/pkg-1.0.0.zip"})
	if st := cycle(t, w); st.Logged != 1 {
		t.Fatalf("mirror cycle: %+v", st)
	}
	all := jsonlAlerts(t, cfg)
	again := all[len(all)-1]
	if again.Kind != AnalysisFailed || *again.LedgerIndex != 1 || again.Previous == nil || again.Previous.LedgerIndex != 0 {
		t.Fatalf("mirror alert: %+v", again)
	}
}

// TestWebhookRetry refuses the first two deliveries with 500; the watcher
// retries with backoff and the third, signed, arrives. A receiver that is
// down for longer keeps the alert queued for the next cycle.
func TestWebhookRetry(t *testing.T) {
	site, srv := newVendor(t)
	hk, hsrv := newHook(t, "s3cret")
	site.set("/pkg-1.0.0.zip", fixture(t, "fail_truncated.zip"))
	cfg := testConfig(t, storetestSQLite(t), hsrv.URL, Product{Name: "pkg", Sources: []Source{{Type: "url", URL: srv.URL + "/pkg-1.0.0.zip"}}})
	hk.fail = 2
	w := startWatcher(t, cfg)
	if st := cycle(t, w); st.Alerts != 1 {
		t.Fatalf("cycle: %+v", st)
	}
	if got := hk.alerts(); len(got) != 1 || got[0].Kind != AnalysisFailed || hk.bad != 0 {
		t.Fatalf("webhook got %+v (bad %d)", got, hk.bad)
	}
	// Down for longer than the retries: queued, delivered next cycle.
	site.set("/pkg-1.0.0.zip", fixture(t, "fail_truncated.zip")[:1500])
	hk.mu.Lock()
	hk.fail = 100
	hk.mu.Unlock()
	cycle(t, w)
	if pending, _ := w.DB().PendingAlerts(context.Background(), 10); len(pending) == 0 {
		t.Fatal("undelivered alerts were dropped")
	}
	hk.mu.Lock()
	hk.fail = 0
	hk.mu.Unlock()
	cycle(t, w)
	if pending, _ := w.DB().PendingAlerts(context.Background(), 10); len(pending) != 0 {
		t.Fatalf("%d alerts still pending", len(pending))
	}
	if hk.bad != 0 {
		t.Fatalf("%d bad signatures", hk.bad)
	}
}

func TestWebhookSignature(t *testing.T) {
	body := []byte(`{"kind":"same-version-new-bytes"}`)
	sig := Sign([]byte("k"), body)
	// HMAC-SHA256("k", body), computed independently with openssl:
	// printf '%s' '{"kind":"same-version-new-bytes"}' | openssl dgst -sha256 -hmac k
	if sig != "sha256=84d650391f4900ab2bedf14567af2a2ccdc0aa9887fce66a6d3d35ec17a6249f" {
		t.Fatalf("Sign = %q", sig)
	}
	if !VerifySignature([]byte("k"), body, sig) {
		t.Fatal("own signature does not verify")
	}
	for _, bad := range []string{"", sig[:len(sig)-1] + "0", "sha1=" + sig[7:], strings.ToUpper(sig)} {
		if bad != sig && VerifySignature([]byte("k"), body, bad) {
			t.Errorf("accepted %q", bad)
		}
	}
	if VerifySignature([]byte("other"), body, sig) || VerifySignature([]byte("k"), append(body, ' '), sig) {
		t.Fatal("signature verified with the wrong key or body")
	}
}

// TestPrivateAddressesRefused checks the default: a feed (or a config)
// pointing at loopback is not fetched, and nothing is logged.
func TestPrivateAddressesRefused(t *testing.T) {
	site, srv := newVendor(t)
	site.set("/tool-2.0.0.tar.gz", fixture(t, "tool-2.0.0.tar.gz"))
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "tool", Sources: []Source{{Type: "url", URL: srv.URL + "/tool-2.0.0.tar.gz"}}})
	cfg.HTTP.AllowPrivate = false
	cfg.HTTP.Retries = 0
	var log strings.Builder
	w, err := New(context.Background(), cfg, io.Discard, &log)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if st := cycle(t, w); st.Logged != 0 || st.Errors != 1 {
		t.Fatalf("cycle: %+v", st)
	}
	if !strings.Contains(log.String(), "non-public address 127.0.0.1") || site.hits["/tool-2.0.0.tar.gz"] != 0 {
		t.Fatalf("log: %s (hits %d)", log.String(), site.hits["/tool-2.0.0.tar.gz"])
	}
	for _, addr := range []string{"10.1.2.3:80", "[::1]:443", "169.254.169.254:80", "100.64.0.1:80", "0.0.0.0:80", "[fe80::1]:80", "[::ffff:192.168.0.1]:80"} {
		if publicOnly("tcp", addr, nil) == nil {
			t.Errorf("publicOnly allowed %s", addr)
		}
	}
	for _, addr := range []string{"192.0.2.1:443", "[2001:db8::1]:443", "8.8.8.8:53"} {
		if err := publicOnly("tcp", addr, nil); err != nil {
			t.Errorf("publicOnly refused %s: %v", addr, err)
		}
	}
}

// TestRateLimit checks the per-host spacing of requests: 6 requests at
// 20 per second to one host take at least 5 intervals of 50 ms.
func TestRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	tr := newTransport(HTTPConfig{Timeout: Duration(5 * time.Second), RatePerHost: 20, AllowPrivate: true})
	c := &http.Client{Transport: tr}
	start := time.Now()
	for range 6 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("6 requests took %v, want at least 250ms", d)
	}
}

// TestTimeout has a server stall in the middle of a body: the attempt's
// timeout, which covers reading the body, ends it in about one timeout,
// and nothing is logged (the next cycle fetches again).
func TestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	cfg := testConfig(t, storetestSQLite(t), "", Product{Name: "slow", Sources: []Source{{Type: "url", URL: srv.URL + "/slow-1.0.tar.gz"}}})
	cfg.HTTP.Timeout = Duration(200 * time.Millisecond)
	w := startWatcher(t, cfg)
	start := time.Now()
	if st := cycle(t, w); st.Errors != 1 || st.Logged != 0 {
		t.Fatalf("cycle: %+v", st)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("cycle took %v despite a 200ms timeout", d)
	}
}
