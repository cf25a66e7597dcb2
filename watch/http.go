package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// transport makes every request the watcher sends (its own and the OCI
// client's) polite and bounded: a per-host rate limit, a timeout on each
// attempt that covers reading the body, and retries with exponential
// backoff and jitter on network errors, 429 and 5xx. Only requests
// without a body are retried; the watcher sends no other kind except
// webhooks, which retry on their own.
type transport struct {
	base    http.RoundTripper
	timeout time.Duration
	retries int
	backoff time.Duration
	ua      string

	mu       sync.Mutex
	interval time.Duration        // between requests to one host
	next     map[string]time.Time // host -> earliest next request
}

func newTransport(c HTTPConfig) *transport {
	base := http.DefaultTransport.(*http.Transport).Clone()
	if !c.AllowPrivate {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: publicOnly}
		base.DialContext = d.DialContext
		base.Proxy = nil // a proxy would connect on our behalf, unchecked
	}
	t := &transport{
		base:    base,
		timeout: time.Duration(c.Timeout),
		retries: c.Retries,
		backoff: time.Duration(c.Backoff),
		ua:      c.UserAgent,
		next:    map[string]time.Time{},
	}
	t.base.(*http.Transport).MaxIdleConnsPerHost = 32
	if c.RatePerHost > 0 {
		t.interval = time.Duration(float64(time.Second) / c.RatePerHost)
	}
	return t
}

// publicOnly refuses connections to addresses that are not public
// unicast. It runs after name resolution, on the address actually dialled,
// so neither a hostile URL nor DNS rebinding gets past it.
func publicOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("watch: refusing to dial %s: not an IP address", address)
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || isShared(ip) {
		return fmt.Errorf("watch: refusing to connect to non-public address %s (set http.allow_private for an internal mirror)", ip)
	}
	return nil
}

// shared is 100.64.0.0/10 (carrier-grade NAT), which IsPrivate omits.
var shared = netip.MustParsePrefix("100.64.0.0/10")

func isShared(ip netip.Addr) bool { return shared.Contains(ip) }

// wait blocks until the host may be sent another request.
func (t *transport) wait(ctx context.Context, host string) error {
	if t.interval <= 0 {
		return nil
	}
	t.mu.Lock()
	now := time.Now()
	at := t.next[host]
	if at.Before(now) {
		at = now
	}
	t.next[host] = at.Add(t.interval)
	t.mu.Unlock()
	return sleep(ctx, at.Sub(now))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.ua)
	}
	retries := t.retries
	if req.Body != nil && req.Body != http.NoBody {
		retries = 0
	}
	delay := t.backoff
	for attempt := 0; ; attempt++ {
		if err := t.wait(req.Context(), req.URL.Host); err != nil {
			return nil, err
		}
		resp, err := t.once(req)
		if attempt >= retries || !retryable(resp, err) || req.Context().Err() != nil {
			return resp, err
		}
		wait := delay + time.Duration(rand.Int64N(int64(delay)/2+1))
		if resp != nil {
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = min(time.Duration(s)*time.Second, 10*delay)
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		delay *= 2
	}
}

// once sends one attempt under its own timeout; the timeout ends when the
// caller closes the body.
func (t *transport) once(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled)
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

// statusError is a response the watcher did not expect.
type statusError struct {
	url  string
	code int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %s", e.url, http.StatusText(e.code))
}

// isNotFound reports whether err is a 404 or 410: the thing is gone.
func isNotFound(err error) bool {
	var se *statusError
	return errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone)
}
