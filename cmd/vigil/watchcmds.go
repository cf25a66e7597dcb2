package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vigilsec/vigil/ledger"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/store"
	"github.com/vigilsec/vigil/watch"
	"golang.org/x/mod/sumdb/tlog"
)

// defaultConfig is the watch config read when --config is not given.
const defaultConfig = "vigil-watch.json"

// runWatch is `vigil watch`: follow the config's products, once or every
// interval.
func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vigil watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", defaultConfig, "watch configuration (JSON, see docs/watch.md)")
	dsn := fs.String("db", "", "database: SQLite file or postgres:// URL (overrides the config)")
	once := fs.Bool("once", false, "run one cycle and exit (for cron and CI)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vigil watch [--config FILE] [--db DSN] [--once]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return 2
	}
	cfg, err := watch.LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "vigil watch: %v\n", err)
		return 2
	}
	if *dsn != "" {
		cfg.DB = *dsn
	}
	w, err := watch.New(ctx, cfg, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vigil watch: %v\n", err)
		return 1
	}
	defer w.Close()
	for {
		st, err := w.Cycle(ctx)
		fmt.Fprintf(stderr, "vigil watch: cycle: %d products, %d not modified, %d fetched, %d logged, %d alerts, %d errors\n",
			st.Products, st.NotModified, st.Fetched, st.Logged, st.Alerts, st.Errors)
		if err != nil {
			if ctx.Err() != nil {
				return 0 // interrupted; everything committed is consistent
			}
			fmt.Fprintf(stderr, "vigil watch: %v\n", err)
			return 1
		}
		if *once {
			if st.Errors > 0 {
				return 1
			}
			return 0
		}
		if err := watch.Sleep(ctx, cfg); err != nil {
			return 0
		}
	}
}

// state is what ledger and verify read: the store and the log's keys.
type state struct {
	db   *store.DB
	vkey string
	cfg  *watch.Config // nil with --db alone
}

// stateFlags registers --config, --db and --key.
func stateFlags(fs *flag.FlagSet) func(ctx context.Context) (*state, error) {
	cfgPath := fs.String("config", "", "watch configuration to read the database and key from (default "+defaultConfig+" if present)")
	dsn := fs.String("db", "", "database: SQLite file or postgres:// URL")
	key := fs.String("key", "", "the log's verifier key, or @FILE to read it (default: the config's key_file.pub)")
	return func(ctx context.Context) (*state, error) {
		st := &state{}
		path := *cfgPath
		if path == "" {
			if _, err := os.Stat(defaultConfig); err == nil && *dsn == "" {
				path = defaultConfig
			}
		}
		if path != "" {
			cfg, err := watch.LoadConfig(path)
			if err != nil {
				return nil, err
			}
			st.cfg = cfg
			if *dsn == "" {
				*dsn = cfg.DB
			}
			if *key == "" {
				*key = "@" + cfg.KeyFile + ".pub"
			}
		}
		var err error
		if st.vkey, err = readKey(*key); err != nil {
			return nil, err
		}
		if *dsn == "" {
			return st, nil
		}
		st.db, err = store.Open(ctx, *dsn)
		return st, err
	}
}

func readKey(k string) (string, error) {
	if name, ok := strings.CutPrefix(k, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("verifier key: %v", err)
		}
		k = string(b)
	}
	return strings.TrimSpace(k), nil
}

// runLedger is `vigil ledger`: verify, checkpoint, export, show, key.
func runLedger(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintln(stderr, `usage: vigil ledger <command> [flags]

  verify [--checkpoint FILE]   recompute every entry from the stored rows, check
                               the latest signed checkpoint and prove the log
                               consistent with an older checkpoint
  checkpoint                   sign a checkpoint of the log now and print it
  export (FILE | --sha256 HEX) [--index N] [-o BUNDLE]
                               write an offline proof bundle for one entry
  show [--from N]              print entries as JSON lines
  report N                     print the scan and diff stored with entry N
  key                          print the log's verifier key

Every command takes --config FILE, --db DSN and --key VKEY|@FILE.`)
		return 2
	}
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet("vigil ledger "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	open := stateFlags(fs)
	var run func(*state) error
	switch args[0] {
	case "verify":
		cp := fs.String("checkpoint", "", "an older signed checkpoint the log must be consistent with")
		run = func(st *state) error { return ledgerVerify(ctx, st, *cp, stdout) }
	case "checkpoint":
		run = func(st *state) error { return ledgerCheckpoint(ctx, st, stdout) }
	case "export":
		sha := fs.String("sha256", "", "the artifact's SHA-256 (instead of FILE)")
		index := fs.Int64("index", -1, "which observation of those bytes (default the first)")
		out := fs.String("o", "", "write the bundle here (default standard output)")
		run = func(st *state) error { return ledgerExport(ctx, st, fs.Args(), *sha, *index, *out, stdout) }
	case "show":
		from := fs.Int64("from", 0, "first entry")
		run = func(st *state) error { return ledgerShow(ctx, st, *from, stdout) }
	case "report":
		run = func(st *state) error { return ledgerReport(ctx, st, fs.Args(), stdout) }
	case "key":
		run = func(st *state) error {
			if st.vkey == "" {
				return errors.New("no key: give --config or --key")
			}
			fmt.Fprintln(stdout, st.vkey)
			return nil
		}
	default:
		return usage()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	st, err := open(ctx)
	if err == nil && st.db == nil && args[0] != "key" {
		err = errors.New("no database: give --config or --db")
	}
	if err == nil {
		if st.db != nil {
			defer st.db.Close()
		}
		err = run(st)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigil ledger %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// latest returns the latest stored checkpoint, verified.
func latest(ctx context.Context, st *state) (ledger.Checkpoint, []byte, error) {
	msg, ok, err := st.db.LatestCheckpoint(ctx)
	if err != nil {
		return ledger.Checkpoint{}, nil, err
	}
	if !ok {
		return ledger.Checkpoint{}, nil, errors.New("no signed checkpoint yet (run a watch cycle or `vigil ledger checkpoint`)")
	}
	if st.vkey == "" {
		return ledger.Checkpoint{}, nil, errors.New("no verifier key: give --config or --key")
	}
	cp, err := ledger.Open(msg, st.vkey)
	return cp, msg, err
}

func ledgerVerify(ctx context.Context, st *state, older string, stdout io.Writer) error {
	n, err := st.db.Size(ctx)
	if err != nil {
		return err
	}
	mem, err := ledger.Recompute(ctx, st.db, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ledger: %d entries recomputed from their rows; every stored hash matches\n", n)
	if _, _, err := latest(ctx, st); err != nil {
		return err
	}
	root, err := tlog.TreeHash(n, mem)
	if err != nil {
		return err
	}
	// Every checkpoint the log ever signed, not just the latest, must be
	// a prefix of what is stored now.
	msgs, err := st.db.Checkpoints(ctx)
	if err != nil {
		return err
	}
	for _, msg := range msgs {
		cp, err := ledger.Open(msg, st.vkey)
		if err != nil {
			return fmt.Errorf("stored checkpoint: %v", err)
		}
		if err := ledger.Consistent(cp, n, root, mem); err != nil {
			return fmt.Errorf("stored checkpoint of size %d: %v", cp.Size, err)
		}
	}
	fmt.Fprintf(stdout, "ledger: consistent with all %d signed checkpoints it stores\n", len(msgs))
	if older != "" {
		msg, err := os.ReadFile(older)
		if err != nil {
			return err
		}
		old, err := ledger.Open(msg, st.vkey)
		if err != nil {
			return fmt.Errorf("%s: %v", older, err)
		}
		if err := ledger.Consistent(old, n, root, mem); err != nil {
			return fmt.Errorf("%s: %v", older, err)
		}
		fmt.Fprintf(stdout, "ledger: consistent with %s (size %d)\n", older, old.Size)
	}
	fmt.Fprintf(stdout, "ledger: OK, size %d, root %s\n", n, root)
	return nil
}

func ledgerCheckpoint(ctx context.Context, st *state, stdout io.Writer) error {
	if st.cfg == nil {
		_, msg, err := latest(ctx, st)
		if err == nil {
			_, err = stdout.Write(msg)
		}
		return err
	}
	signer, _, err := ledger.LoadKey(st.cfg.KeyFile, st.cfg.Origin)
	if err != nil {
		return err
	}
	msg, err := watch.SignCheckpoint(ctx, st.db, signer)
	if err == nil {
		_, err = stdout.Write(msg)
	}
	return err
}

func ledgerShow(ctx context.Context, st *state, from int64, stdout io.Writer) error {
	n, err := st.db.Size(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	return st.db.Entries(ctx, n, func(i int64, e ledger.Entry) error {
		if i < from {
			return nil
		}
		return enc.Encode(store.Observation{Index: i, Entry: e})
	})
}

func ledgerReport(ctx context.Context, st *state, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: vigil ledger report N")
	}
	var idx int64
	if _, err := fmt.Sscan(args[0], &idx); err != nil {
		return fmt.Errorf("entry %q: %v", args[0], err)
	}
	r, ok, err := st.db.Report(ctx, idx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no report stored for entry %d", idx)
	}
	out := struct {
		Index     int64           `json:"index"`
		BaseIndex int64           `json:"base_index"`
		Error     string          `json:"error,omitempty"`
		Scan      json.RawMessage `json:"scan,omitempty"`
		Diff      json.RawMessage `json:"diff,omitempty"`
	}{Index: idx, BaseIndex: r.BaseIndex, Error: r.Error}
	if len(r.Scan) > 0 {
		out.Scan = r.Scan
	}
	if len(r.Diff) > 0 {
		out.Diff = r.Diff
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// bundleFor proves observation o against the latest signed checkpoint.
func bundleFor(ctx context.Context, st *state, o store.Observation) (*ledger.Bundle, error) {
	cp, msg, err := latest(ctx, st)
	if err != nil {
		return nil, err
	}
	if o.Index >= cp.Size {
		return nil, fmt.Errorf("entry %d is newer than the latest signed checkpoint (size %d)", o.Index, cp.Size)
	}
	proof, err := tlog.ProveRecord(cp.Size, o.Index, ledger.HashReader(ctx, st.db))
	if err != nil {
		return nil, err
	}
	text, err := o.Entry.Marshal()
	if err != nil {
		return nil, err
	}
	b := &ledger.Bundle{Index: o.Index, Entry: string(text), Proof: proof, Checkpoint: string(msg)}
	// Check it as an offline verifier would: this also catches a row
	// rewritten behind vigil's back, whose leaf is not in the tree.
	if _, _, err := b.Verify(st.vkey); err != nil {
		return nil, err
	}
	return b, nil
}

func ledgerExport(ctx context.Context, st *state, args []string, sha string, index int64, out string, stdout io.Writer) error {
	if (len(args) == 1) == (sha != "") {
		return errors.New("give exactly one of FILE and --sha256")
	}
	if len(args) == 1 {
		var err error
		if sha, err = fileSHA256(args[0]); err != nil {
			return err
		}
	}
	obs, err := st.db.BySHA256(ctx, strings.ToLower(sha))
	if err != nil {
		return err
	}
	if len(obs) == 0 {
		return fmt.Errorf("sha256 %s was never seen", sha)
	}
	o := obs[0]
	if index >= 0 {
		found := false
		for _, x := range obs {
			if x.Index == index {
				o, found = x, true
			}
		}
		if !found {
			return fmt.Errorf("entry %d is not an observation of sha256 %s", index, sha)
		}
	}
	b, err := bundleFor(ctx, st, o)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if out == "" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runVerify is `vigil verify FILE`: was this exact file seen, as what,
// from where, when first, with what verdict, and the inclusion proof.
// Exit status 0 means seen and judged below --fail-level; 1 means unknown,
// risky, unparsed, or a proof that does not verify; 2 is a usage error.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vigil verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	open := stateFlags(fs)
	bundlePath := fs.String("bundle", "", "verify offline from a proof bundle (`vigil ledger export`); needs --key")
	failLevel := fs.String("fail-level", "high", "verdict at or above which the file counts as risky")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vigil verify [--config FILE | --db DSN --key VKEY | --bundle BUNDLE --key VKEY] [--fail-level LEVEL] [--json] FILE")
		fs.PrintDefaults()
	}
	// Flags may follow the file name.
	var file string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			fs.Usage()
			return 2
		}
		file, rest = fs.Arg(0), fs.Args()[1:]
	}
	level, err := report.ParseLevel(*failLevel)
	if file == "" || err != nil {
		fs.Usage()
		return 2
	}
	res, err := verify(ctx, open, file, *bundlePath)
	if err != nil {
		fmt.Fprintf(stderr, "vigil verify: %v\n", err)
		return 1
	}
	risky := len(res.Seen) == 0
	for _, s := range res.Seen {
		l, err := report.ParseLevel(s.Verdict)
		if err != nil || l >= level { // "unparsed" counts as risky
			risky = true
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(res)
	} else {
		printVerify(stdout, res)
	}
	if risky {
		return 1
	}
	return 0
}

// verifyResult is what `vigil verify --json` prints.
type verifyResult struct {
	File   string         `json:"file"`
	SHA256 string         `json:"sha256"`
	Seen   []verifiedSeen `json:"seen"` // empty: never seen
}

type verifiedSeen struct {
	Index int64 `json:"index"`
	ledger.Entry
	Proof      []tlog.Hash `json:"proof"`
	TreeSize   int64       `json:"tree_size"`
	RootHash   tlog.Hash   `json:"root_hash"`
	Checkpoint string      `json:"checkpoint"`
}

func verify(ctx context.Context, open func(context.Context) (*state, error), file, bundlePath string) (*verifyResult, error) {
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, err
	}
	res := &verifyResult{File: file, SHA256: sum, Seen: []verifiedSeen{}}
	st, err := open(ctx)
	if err != nil {
		return nil, err
	}
	if st.db != nil {
		defer st.db.Close()
	}
	if st.vkey == "" {
		return nil, errors.New("no verifier key: give --config or --key")
	}
	var bundles []*ledger.Bundle
	if bundlePath != "" {
		data, err := readBounded(bundlePath, ledger.MaxBundle)
		if err != nil {
			return nil, err
		}
		b, err := ledger.ParseBundle(data)
		if err != nil {
			return nil, err
		}
		bundles = append(bundles, b)
	} else {
		if st.db == nil {
			return nil, errors.New("no database: give --config, --db or --bundle")
		}
		obs, err := st.db.BySHA256(ctx, sum)
		if err != nil {
			return nil, err
		}
		for _, o := range obs {
			b, err := bundleFor(ctx, st, o)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %v", o.Index, err)
			}
			bundles = append(bundles, b)
		}
	}
	for _, b := range bundles {
		e, cp, err := b.Verify(st.vkey)
		if err != nil {
			return nil, err
		}
		if e.SHA256 != sum {
			return nil, fmt.Errorf("the bundle proves sha256 %s, the file is %s", e.SHA256, sum)
		}
		res.Seen = append(res.Seen, verifiedSeen{Index: b.Index, Entry: e, Proof: b.Proof, TreeSize: cp.Size, RootHash: cp.Hash, Checkpoint: b.Checkpoint})
	}
	return res, nil
}

func readBounded(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%s: larger than %d bytes", name, max)
	}
	return data, err
}

func printVerify(w io.Writer, r *verifyResult) {
	fmt.Fprintf(w, "%s\n  sha256 %s\n", r.File, r.SHA256)
	if len(r.Seen) == 0 {
		fmt.Fprintln(w, "  UNKNOWN: these bytes were never seen by this ledger")
		return
	}
	for _, s := range r.Seen {
		signer := s.Signer
		if signer == "" {
			signer = "(unsigned)"
		}
		fmt.Fprintf(w, "  seen as %s %s\n    from       %s\n    first seen %s\n    signer     %s\n    verdict    %s\n    proof      entry %d of %d, root %s: verified against the signed checkpoint\n",
			s.Product, s.Version, s.URL, s.FirstSeen, signer, s.Verdict, s.Index, s.TreeSize, s.RootHash)
	}
}
