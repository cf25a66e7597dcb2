// Command vigil inspects software releases for tampering.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

type command struct {
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	summary string
}

var commands = map[string]command{
	"watch":  {runWatch, "follow vendors' release feeds and record every artifact"},
	"ledger": {runLedger, "inspect and verify the transparency log"},
	"verify": {runVerify, "say whether, when and as what one exact file was seen"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vigil <command> [flags] [args]")
		return 2
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vigil: unknown command %q\n", args[0])
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}
