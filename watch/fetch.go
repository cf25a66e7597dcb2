package watch

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"

	"github.com/vigilsec/vigil/blob"
)

// fetcher sends the watcher's requests and stores what it downloads.
type fetcher struct {
	client *http.Client
	cfg    HTTPConfig
	blobs  *blob.Store
}

// get sends a GET and returns the response if its status is 200, or 304
// when hdr makes the request conditional.
func (f *fetcher) get(ctx context.Context, u string, hdr http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	conditional := hdr.Get("If-None-Match") != "" || hdr.Get("If-Modified-Since") != ""
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotModified && conditional {
		return resp, nil
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil, &statusError{u, resp.StatusCode}
}

// getBytes reads a document (a feed, a packument, a page) of at most
// MaxMeta bytes.
func (f *fetcher) getBytes(ctx context.Context, u string, hdr http.Header) ([]byte, *http.Response, error) {
	resp, err := f.get(ctx, u, hdr)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxMeta+1))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %v", u, err)
	}
	if int64(len(data)) > f.cfg.MaxMeta {
		return nil, nil, fmt.Errorf("GET %s: document larger than %d bytes", u, f.cfg.MaxMeta)
	}
	return data, resp, nil
}

// store streams a response body into the blob store. A body cut short or
// larger than MaxSize is an error and leaves nothing stored.
func (f *fetcher) store(body io.Reader, what string) (blob.Info, error) {
	info, err := f.blobs.Put(body)
	if err != nil {
		return blob.Info{}, fmt.Errorf("download %s: %w", what, err)
	}
	return info, nil
}

// fileName is the artifact's file name: the one Content-Disposition
// gives, else the last element of the final URL's path.
func fileName(resp *http.Response, u string) string {
	if resp != nil {
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			if fn := path.Base(params["filename"]); fn != "" && fn != "." && fn != "/" {
				return fn
			}
		}
		if resp.Request != nil && resp.Request.URL != nil {
			u = resp.Request.URL.String()
		}
	}
	if pu, err := url.Parse(u); err == nil {
		if b := path.Base(pu.Path); b != "/" && b != "." {
			return b
		}
	}
	return ""
}
