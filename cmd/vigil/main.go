// Command vigil inspects software releases for tampering.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
)

type command struct {
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	summary string
}

var commands = map[string]command{
	"scan":   {runScan, "judge one release artifact"},
	"diff":   {runDiff, "judge what a new release adds to an old one"},
	"rules":  {runRules, "list the rules and what each means"},
	"watch":  {runWatch, "follow vendors' release feeds and record every artifact"},
	"ledger": {runLedger, "inspect and verify the transparency log"},
	"verify": {runVerify, "say whether, when and as what one exact file was seen"},
}

// memoryLimit is the soft heap limit vigil asks the garbage collector to
// keep to unless GOMEMLIMIT says otherwise: decompressors allocate and drop
// large windows, and without a limit the heap may grow to twice what is
// live between collections.
const memoryLimit = 128 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "vigil", version)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vigil: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vigil <command> [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'vigil <command> -h' for a command's flags.")
}
