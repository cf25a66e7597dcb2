package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/store/storetest"
)

// vendor is a download site: it serves files with ETag and Last-Modified
// through http.ServeContent, which answers conditional GETs as real
// servers do.
type vendor struct {
	mu    sync.Mutex
	files map[string][]byte
	mod   map[string]time.Time
	hits  map[string]int
	fail  map[string]int // path -> how many more requests fail with 503
}

func newVendor(t testing.TB) (*vendor, *httptest.Server) {
	v := &vendor{files: map[string][]byte{}, mod: map[string]time.Time{}, hits: map[string]int{}, fail: map[string]int{}}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return v, srv
}

func (v *vendor) set(path string, data []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if data == nil {
		delete(v.files, path)
		return
	}
	v.files[path] = data
	v.mod[path] = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(len(v.mod)) * time.Hour)
}

func (v *vendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	v.hits[r.URL.Path]++
	data, ok := v.files[r.URL.Path]
	mod := v.mod[r.URL.Path]
	fail := v.fail[r.URL.Path] > 0
	if fail {
		v.fail[r.URL.Path]--
	}
	v.mu.Unlock()
	switch {
	case fail:
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case !ok:
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	if strings.HasSuffix(r.URL.Path, ".json") || r.Header.Get("Accept") == "application/json" {
		w.Header().Set("Content-Type", "application/json")
	}
	http.ServeContent(w, r, filepath.Base(r.URL.Path), mod, bytes.NewReader(data))
}

// hook is a webhook receiver that checks every delivery's signature.
type hook struct {
	mu     sync.Mutex
	secret []byte
	got    []Alert
	bad    int // deliveries whose signature did not verify
	fail   int // how many more deliveries to refuse with 500
}

func newHook(t testing.TB, secret string) (*hook, *httptest.Server) {
	h := &hook{secret: []byte(secret)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.fail > 0 {
			h.fail--
			http.Error(w, "down", 500)
			return
		}
		if r.Method != "POST" || !VerifySignature(h.secret, body, r.Header.Get(SignatureHeader)) {
			h.bad++
			http.Error(w, "bad signature", 401)
			return
		}
		var a Alert
		if err := json.Unmarshal(body, &a); err != nil {
			h.bad++
			http.Error(w, err.Error(), 400)
			return
		}
		h.got = append(h.got, a)
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hook) alerts() []Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Alert(nil), h.got...)
}

// testConfig returns a config for products, with state in a fresh
// directory and the given database, alerts to a JSON-lines file and,
// if hookURL is set, a webhook.
func testConfig(t testing.TB, dsn, hookURL string, products ...Product) *Config {
	dir := t.TempDir()
	c := map[string]any{
		"state":    dir,
		"db":       dsn,
		"origin":   "vigil.test/ledger",
		"workers":  4,
		"http":     map[string]any{"timeout": "10s", "retries": 2, "backoff": "10ms", "rate_per_host": 1000, "allow_private": true},
		"alerts":   map[string]any{"jsonl": filepath.Join(dir, "alerts.jsonl")},
		"products": products,
	}
	if hookURL != "" {
		t.Setenv("VIGIL_TEST_HOOK_SECRET", "s3cret")
		c["alerts"].(map[string]any)["webhooks"] = []any{map[string]any{"url": hookURL, "secret_env": "VIGIL_TEST_HOOK_SECRET"}}
	}
	data, _ := json.Marshal(c)
	cfg, err := ParseConfig(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func startWatcher(t testing.TB, cfg *Config) *Watcher {
	t.Helper()
	var log bytes.Buffer
	w, err := New(context.Background(), cfg, io.Discard, &log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.Close()
		if t.Failed() && log.Len() > 0 {
			t.Logf("watcher log:\n%s", log.String())
		}
	})
	return w
}

func cycle(t testing.TB, w *Watcher) Stats {
	t.Helper()
	st, err := w.Cycle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// jsonlAlerts reads the JSON-lines alert file.
func jsonlAlerts(t testing.TB, cfg *Config) []Alert {
	data, err := os.ReadFile(cfg.Alerts.JSONL)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []Alert
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var a Alert
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		out = append(out, a)
	}
	return out
}

func kinds(alerts []Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.Kind)
	}
	return out
}

func find(alerts []Alert, kind string) *Alert {
	for i := range alerts {
		if alerts[i].Kind == kind {
			return &alerts[i]
		}
	}
	return nil
}

func forEachBackend(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.DSN) })
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var _ = fmt.Sprint

func storetestSQLite(t testing.TB) string { return filepath.Join(t.TempDir(), "vigil.db") }

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
