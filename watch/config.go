// Package watch is vigil's release watcher. It follows each product's
// sources (a download URL, GitHub releases, npm, PyPI, the Go module
// proxy, an OCI registry, an index page), streams every new artifact into
// the blob store, analyses it against the product's previous release,
// logs the observation in the ledger and raises alerts, some of which need
// no analysis at all: the same version with new bytes, a new signer, a
// version that vanished from a feed or came back.
package watch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/vigilsec/vigil/report"
)

// Config is the watcher's configuration file (JSON; see docs/watch.md).
// Relative paths are relative to the file's directory.
type Config struct {
	State    string   `json:"state"`       // directory for db, blobs, key; default "."
	DB       string   `json:"db"`          // SQLite path or postgres:// URL; default state/vigil.db
	Blobs    string   `json:"blobs"`       // default state/blobs
	KeyFile  string   `json:"key_file"`    // ledger signing key; default state/ledger.key
	Origin   string   `json:"origin"`      // checkpoint origin line; default "vigil.local/ledger"
	Interval Duration `json:"interval"`    // between cycles; default 1h
	Workers  int      `json:"workers"`     // products polled at once; default 8
	Owner    string   `json:"owner"`       // this watcher's name in work claims; default host name
	Level    string   `json:"alert_level"` // analysis verdict that alerts; default "high"

	HTTP     HTTPConfig `json:"http"`
	Alerts   Alerts     `json:"alerts"`
	Products []Product  `json:"products"`

	alertLevel report.Level
	dir        string
}

// HTTPConfig bounds every request the watcher makes.
type HTTPConfig struct {
	Timeout     Duration `json:"timeout"`       // per attempt, body included; default 5m
	Retries     int      `json:"retries"`       // extra attempts after a failure; default 3
	Backoff     Duration `json:"backoff"`       // first retry delay, doubled each time; default 1s
	RatePerHost float64  `json:"rate_per_host"` // requests per second per host; default 5
	MaxSize     int64    `json:"max_size"`      // artifact size bound; default 2 GiB
	MaxMeta     int64    `json:"max_meta"`      // feed document size bound; default 64 MiB
	UserAgent   string   `json:"user_agent"`
	// AllowPrivate lets the watcher connect to loopback, private,
	// link-local and other non-public addresses. Off by default: a feed
	// is hostile input, and a packument whose tarball URL points at a
	// cloud metadata service or an intranet host must not make the
	// watcher fetch it. Turn it on for an internal mirror.
	AllowPrivate bool `json:"allow_private"`
}

// Alerts lists the sinks.
type Alerts struct {
	JSONL    string    `json:"jsonl"` // "-" for standard output, or a file path
	Webhooks []Webhook `json:"webhooks"`
}

// Webhook is an HTTP endpoint that receives each alert as a signed POST.
type Webhook struct {
	URL string `json:"url"`
	// SecretEnv names the environment variable holding the HMAC key, so
	// the secret stays out of the config file.
	SecretEnv string `json:"secret_env"`
	Secret    string `json:"secret"` // used when SecretEnv is empty
}

// Product is one thing whose releases are followed.
type Product struct {
	Name    string   `json:"name"`
	Sources []Source `json:"sources"`
}

// Source is one place a product's releases appear. Type picks which
// fields matter:
//
//	url     URL (conditional GET); Version: regexp for the version
//	github  Repo "owner/name"; Pattern: asset names; Base: API root
//	npm     Package; Base: registry root
//	pypi    Package; Base: index root
//	gomod   Package (module path); Base: proxy root
//	oci     Image "host/repo:tag"
//	index   URL of an HTML or JSON page; Pattern picks artifact links
type Source struct {
	Type    string `json:"type"`
	URL     string `json:"url,omitempty"`
	Repo    string `json:"repo,omitempty"`
	Package string `json:"package,omitempty"`
	Image   string `json:"image,omitempty"`
	Base    string `json:"base,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	Version string `json:"version,omitempty"`
	// Immutable says the URL's bytes must never change, even for a new
	// version (true for every feed type; set it for versioned URLs).
	Immutable bool `json:"immutable,omitempty"`
	// Latest is how many of the newest versions to fetch the first time
	// a feed is seen; older ones are only listed. Default 1.
	Latest int `json:"latest,omitempty"`
	// Insecure allows plain HTTP to an OCI registry.
	Insecure bool `json:"insecure,omitempty"`

	pattern, version *regexp.Regexp
}

// Duration is a time.Duration written as "90s" or "1h" in JSON.
type Duration time.Duration

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// MarshalJSON writes a duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// MaxConfig bounds the config file.
const MaxConfig = 16 << 20

// LoadConfig reads and checks a config file.
func LoadConfig(path string) (*Config, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxConfig {
		return nil, fmt.Errorf("%s: config larger than %d bytes", path, MaxConfig)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data, filepath.Dir(path))
}

// ParseConfig parses a config whose relative paths are relative to dir.
func ParseConfig(data []byte, dir string) (*Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	c.dir = dir
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	return &c, nil
}

func (c *Config) path(p, def string) string {
	if p == "" {
		p = filepath.Join(c.State, def)
	}
	if filepath.IsAbs(p) || isPostgres(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

func isPostgres(dsn string) bool {
	return len(dsn) > 11 && (dsn[:11] == "postgres://" || len(dsn) > 13 && dsn[:13] == "postgresql://")
}

func (c *Config) check() error {
	if c.State == "" {
		c.State = "."
	}
	c.DB = c.path(c.DB, "vigil.db")
	c.Blobs = c.path(c.Blobs, "blobs")
	c.KeyFile = c.path(c.KeyFile, "ledger.key")
	if c.Alerts.JSONL != "" && c.Alerts.JSONL != "-" {
		c.Alerts.JSONL = c.path(c.Alerts.JSONL, "")
	}
	if c.Origin == "" {
		c.Origin = "vigil.local/ledger"
	}
	if c.Interval <= 0 {
		c.Interval = Duration(time.Hour)
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = host + ":" + c.DB
	}
	if c.Level == "" {
		c.Level = "high"
	}
	var err error
	if c.alertLevel, err = report.ParseLevel(c.Level); err != nil {
		return err
	}
	h := &c.HTTP
	if h.Timeout <= 0 {
		h.Timeout = Duration(5 * time.Minute)
	}
	if h.Retries < 0 {
		return errors.New("http.retries must not be negative")
	}
	if h.Retries == 0 {
		h.Retries = 3
	}
	if h.Backoff <= 0 {
		h.Backoff = Duration(time.Second)
	}
	if h.RatePerHost == 0 {
		h.RatePerHost = 5
	}
	if h.MaxSize <= 0 {
		h.MaxSize = 2 << 30
	}
	if h.MaxMeta <= 0 {
		h.MaxMeta = 64 << 20
	}
	if h.UserAgent == "" {
		h.UserAgent = "vigil-watch/1 (+https://github.com/vigilsec/vigil)"
	}
	for _, w := range c.Alerts.Webhooks {
		if w.URL == "" {
			return errors.New("webhook without url")
		}
		if w.secret() == "" {
			return fmt.Errorf("webhook %s: no secret (set secret_env)", w.URL)
		}
	}
	seen := map[string]bool{}
	for i := range c.Products {
		p := &c.Products[i]
		if p.Name == "" {
			return fmt.Errorf("product %d has no name", i+1)
		}
		if seen[p.Name] {
			return fmt.Errorf("product %q listed twice", p.Name)
		}
		seen[p.Name] = true
		if len(p.Sources) == 0 {
			return fmt.Errorf("product %q has no sources", p.Name)
		}
		for j := range p.Sources {
			if err := p.Sources[j].check(); err != nil {
				return fmt.Errorf("product %q source %d: %v", p.Name, j+1, err)
			}
		}
	}
	return nil
}

func (w Webhook) secret() string {
	if w.SecretEnv != "" {
		return os.Getenv(w.SecretEnv)
	}
	return w.Secret
}

func (s *Source) check() error {
	need := func(field, v string) error {
		if v == "" {
			return fmt.Errorf("type %q needs %q", s.Type, field)
		}
		return nil
	}
	var err error
	switch s.Type {
	case "url":
		err = need("url", s.URL)
	case "github":
		err = need("repo", s.Repo)
	case "npm", "pypi", "gomod":
		err = need("package", s.Package)
	case "oci":
		err = need("image", s.Image)
	case "index":
		if err = need("url", s.URL); err == nil {
			err = need("pattern", s.Pattern)
		}
	default:
		return fmt.Errorf("unknown type %q (want url, github, npm, pypi, gomod, oci or index)", s.Type)
	}
	if err != nil {
		return err
	}
	if s.Type != "url" && s.Type != "index" {
		s.Immutable = true
	}
	if s.Latest <= 0 {
		s.Latest = 1
	}
	if s.Pattern != "" {
		if s.pattern, err = regexp.Compile(s.Pattern); err != nil {
			return fmt.Errorf("pattern: %v", err)
		}
	}
	if s.Version != "" {
		if s.version, err = regexp.Compile(s.Version); err != nil {
			return fmt.Errorf("version: %v", err)
		}
	}
	return nil
}

// Key names the source in the store: its type and what it follows.
func (s *Source) Key() string {
	switch s.Type {
	case "github":
		return "github:" + s.Repo + ":" + s.Pattern
	case "npm", "pypi", "gomod":
		return s.Type + ":" + s.Package
	case "oci":
		return "oci:" + s.Image
	}
	return s.Type + ":" + s.URL + ":" + s.Pattern
}
