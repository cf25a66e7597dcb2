package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/render"
	"github.com/vigilsec/vigil/report"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// inspectFlags are the flags scan and diff share.
type inspectFlags struct {
	format     string
	failOn     string
	ignoreFile string
	rules      multi
	paths      multi
	hashes     multi
	all        bool
	noColor    bool
	progress   bool
	workers    int
	lim        format.Limits
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func newInspectFlags(name string, stderr io.Writer) (*flag.FlagSet, *inspectFlags) {
	fl := &inspectFlags{lim: format.DefaultLimits}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&fl.format, "format", "text", "output `format`: text, json, sarif or markdown")
	fs.StringVar(&fl.failOn, "fail-on", "", "exit 1 when the overall risk reaches this `level` (low, medium, high, critical)")
	fs.StringVar(&fl.ignoreFile, "ignore-file", ".vigilignore", "suppressions `file` (ignored if missing)")
	fs.Var(&fl.rules, "suppress-rule", "suppress findings of this rule `ID` (or prefix ending in '.'); repeatable")
	fs.Var(&fl.paths, "suppress-path", "suppress findings in files matching this `glob`; repeatable")
	fs.Var(&fl.hashes, "suppress-hash", "leave out the file with this `sha256`; repeatable")
	fs.BoolVar(&fl.all, "all", false, "scan: list every file, not only those with findings")
	fs.BoolVar(&fl.noColor, "no-color", false, "no colour in text output")
	fs.BoolVar(&fl.progress, "progress", true, "show progress on stderr when it is a terminal")
	fs.IntVar(&fl.workers, "workers", 0, "files analysed in parallel (0: one per CPU)")
	fs.IntVar(&fl.lim.MaxDepth, "max-depth", fl.lim.MaxDepth, "containers opened inside one another at most")
	fs.IntVar(&fl.lim.MaxEntries, "max-entries", fl.lim.MaxEntries, "entries read from one container at most")
	fs.Int64Var(&fl.lim.MaxEntryBytes, "max-file-bytes", fl.lim.MaxEntryBytes, "bytes unpacked for one file at most")
	fs.Int64Var(&fl.lim.MaxTotalBytes, "max-total-bytes", fl.lim.MaxTotalBytes, "bytes unpacked for the whole input at most")
	fs.Int64Var(&fl.lim.MaxRatio, "max-ratio", fl.lim.MaxRatio, "unpacked bytes per packed byte of one container at most")
	fs.DurationVar(&fl.lim.FileTimeout, "file-timeout", fl.lim.FileTimeout, "analysis time for one file at most")
	return fs, fl
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, as in `vigil diff old new --format json`.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (fl *inspectFlags) options(stderr io.Writer) (vigil.Options, func(), error) {
	opt := vigil.Options{Limits: fl.lim, Workers: fl.workers, All: fl.all}
	sup := &vigil.Suppressions{}
	if f, err := os.Open(fl.ignoreFile); err == nil {
		parsed, perr := vigil.ParseSuppressions(f)
		f.Close()
		if perr != nil {
			return opt, nil, fmt.Errorf("%s: %v", fl.ignoreFile, perr)
		}
		sup = parsed
	} else if !errors.Is(err, os.ErrNotExist) {
		return opt, nil, err
	}
	for _, r := range fl.rules {
		sup.List = append(sup.List, vigil.Suppression{Rule: r})
	}
	for _, p := range fl.paths {
		sup.List = append(sup.List, vigil.Suppression{Path: p})
	}
	for _, h := range fl.hashes {
		sup.List = append(sup.List, vigil.Suppression{Hash: strings.ToLower(h)})
	}
	opt.Suppress = sup
	done := func() {}
	if fl.progress && isTerminal(stderr) {
		start := time.Now()
		last := time.Time{}
		opt.Progress = func(n int) {
			if now := time.Now(); now.Sub(last) > 100*time.Millisecond {
				last = now
				fmt.Fprintf(stderr, "\r\x1b[K%s %d files · %.1fs", spinner(n), n, now.Sub(start).Seconds())
			}
		}
		done = func() { fmt.Fprint(stderr, "\r\x1b[K") }
	}
	return opt, done, nil
}

func spinner(n int) string { return string(`|/-\`[n%4]) }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// finish renders the report and picks the exit code.
func (fl *inspectFlags) finish(r *report.Report, stdout, stderr io.Writer, failOn *report.Level) int {
	color := fl.format == "text" && !fl.noColor && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	if err := render.Write(stdout, fl.format, r, render.Options{Color: color, Rules: vigil.Rules(), Version: version}); err != nil {
		fmt.Fprintln(stderr, "vigil:", err)
		return 2
	}
	if failOn != nil && r.Risk >= *failOn {
		return 1
	}
	return 0
}

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return inspect(ctx, "scan", 1, args, stdout, stderr, func(ctx context.Context, paths []string, opt vigil.Options) (*report.Report, error) {
		return vigil.Scan(ctx, paths[0], opt)
	})
}

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return inspect(ctx, "diff", 2, args, stdout, stderr, func(ctx context.Context, paths []string, opt vigil.Options) (*report.Report, error) {
		return vigil.Diff(ctx, paths[0], paths[1], opt)
	})
}

func inspect(ctx context.Context, name string, nargs int, args []string, stdout, stderr io.Writer,
	do func(context.Context, []string, vigil.Options) (*report.Report, error)) int {
	fs, fl := newInspectFlags(name, stderr)
	usage := map[string]string{"scan": "vigil scan [flags] PATH", "diff": "vigil diff [flags] OLD NEW"}[name]
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n", usage)
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(paths) != nargs {
		fs.Usage()
		return 2
	}
	var failOn *report.Level
	if fl.failOn != "" {
		l, err := report.ParseLevel(fl.failOn)
		if err != nil {
			fmt.Fprintln(stderr, "vigil:", err)
			return 2
		}
		failOn = &l
	}
	if !validFormat(fl.format) {
		fmt.Fprintf(stderr, "vigil: unknown format %q (want %s)\n", fl.format, strings.Join(render.Formats, ", "))
		return 2
	}
	opt, done, err := fl.options(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "vigil:", err)
		return 2
	}
	r, err := do(ctx, paths, opt)
	done()
	if err != nil {
		fmt.Fprintf(stderr, "vigil %s: %v\n", name, err)
		return 2
	}
	return fl.finish(r, stdout, stderr, failOn)
}

func validFormat(f string) bool {
	for _, v := range render.Formats {
		if f == v || f == "md" {
			return true
		}
	}
	return false
}

func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the rules as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rules := vigil.Rules()
	if *asJSON {
		if err := render.JSONValue(stdout, rules); err != nil {
			return 2
		}
		return 0
	}
	for _, r := range rules {
		fmt.Fprintf(stdout, "%-34s %-8s %s\n", r.ID, r.Level, r.Summary)
		if r.Help != "" {
			fmt.Fprintf(stdout, "%34s %8s %s\n", "", "", r.Help)
		}
	}
	return 0
}
