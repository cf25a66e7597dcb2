package watch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vigilsec/vigil/report"
)

// Alert kinds. The first four need no analysis and are always critical.
const (
	SameVersionNewBytes = "same-version-new-bytes" // a product version already seen, with other bytes
	URLBytesChanged     = "url-bytes-changed"      // an immutable URL now serves other bytes
	SignerChanged       = "signer-changed"         // the release is signed or published by someone else
	VersionDisappeared  = "version-disappeared"    // a version vanished from its feed
	VersionRepublished  = "version-republished"    // a vanished version came back
	RiskyRelease        = "risky-release"          // analysis reached the alert level
	AnalysisFailed      = "analysis-failed"        // the artifact could not be analysed
)

// Alert is one alert as sinks receive it (one JSON object).
type Alert struct {
	ID          string         `json:"id"` // stable: deliveries may repeat, receivers dedupe on it
	Time        string         `json:"time"`
	Kind        string         `json:"kind"`
	Level       report.Level   `json:"level"`
	Product     string         `json:"product"`
	Version     string         `json:"version"`
	URL         string         `json:"url,omitempty"`
	SHA256      string         `json:"sha256,omitempty"`
	Signer      string         `json:"signer,omitempty"`
	Verdict     string         `json:"verdict,omitempty"`
	LedgerIndex *int64         `json:"ledger_index,omitempty"`
	Previous    *Previous      `json:"previous,omitempty"`
	Message     string         `json:"message"`
	Findings    []AlertFinding `json:"findings,omitempty"`
}

// Previous is the earlier observation an alert compares with.
type Previous struct {
	LedgerIndex int64  `json:"ledger_index"`
	Version     string `json:"version"`
	URL         string `json:"url"`
	SHA256      string `json:"sha256"`
	Signer      string `json:"signer,omitempty"`
	FirstSeen   string `json:"first_seen"`
}

// AlertFinding is one finding of the analysis, with its evidence.
type AlertFinding struct {
	Path    string       `json:"path"`
	Rule    string       `json:"rule"`
	Level   report.Level `json:"level"`
	Message string       `json:"message"`
	Line    int          `json:"line,omitempty"`
	Offset  int64        `json:"offset"`
	Match   string       `json:"match"`
}

// maxAlertFindings bounds the findings carried in one alert; the full
// report stays in the store.
const maxAlertFindings = 50

// SignatureHeader carries a webhook body's HMAC-SHA256, as
// "sha256=<hex>", keyed with the webhook's secret.
const SignatureHeader = "X-Vigil-Signature"

// Sign returns the SignatureHeader value for body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a SignatureHeader value in constant time. A
// webhook receiver calls it on the raw body before parsing it.
func VerifySignature(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(sum, m.Sum(nil))
}

// sink is somewhere alerts go.
type sink interface {
	send(ctx context.Context, id string, body []byte) error
}

// jsonlSink writes one alert per line to a writer or appends it to a file.
type jsonlSink struct {
	mu   sync.Mutex
	w    io.Writer // when path is ""
	path string
}

func (s *jsonlSink) send(_ context.Context, _ string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := append(bytes.TrimSpace(body[:len(body):len(body)]), '\n')
	if s.path == "" {
		_, err := s.w.Write(line)
		return err
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// webhookSink POSTs each alert, signed, retrying with backoff on network
// errors, 429 and 5xx.
type webhookSink struct {
	url     string
	secret  []byte
	client  *http.Client
	retries int
	backoff time.Duration
}

func (s *webhookSink) send(ctx context.Context, id string, body []byte) error {
	delay := s.backoff
	var last error
	for attempt := 0; attempt <= s.retries; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, delay); err != nil {
				return err
			}
			delay *= 2
		}
		req, err := http.NewRequestWithContext(ctx, "POST", s.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(SignatureHeader, Sign(s.secret, body))
		req.Header.Set("X-Vigil-Delivery", id)
		resp, err := s.client.Do(req)
		if err != nil {
			last = err
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			return nil
		}
		last = fmt.Errorf("webhook %s: %s", s.url, resp.Status)
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
			return last // the receiver refuses it; retrying will not help
		}
	}
	return last
}

// deliver sends every queued alert to every sink, oldest first, and marks
// it delivered once all sinks took it. An alert a sink refused stays
// queued for the next cycle, so a sink may see an alert twice (the ID
// tells); none is lost.
func (w *Watcher) deliver(ctx context.Context) (int, error) {
	sent := 0
	for {
		pending, err := w.db.PendingAlerts(ctx, 500)
		if err != nil || len(pending) == 0 {
			return sent, err
		}
		for _, a := range pending {
			var head struct{ ID string }
			json.Unmarshal(a.Body, &head)
			for _, s := range w.sinks {
				if err := s.send(ctx, head.ID, a.Body); err != nil {
					return sent, fmt.Errorf("alert %s: %v", head.ID, err)
				}
			}
			if err := w.db.MarkDelivered(ctx, a.ID); err != nil {
				return sent, err
			}
			sent++
		}
	}
}
