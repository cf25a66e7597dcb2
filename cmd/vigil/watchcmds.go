package main

import (
	"context"
	"fmt"
	"io"
)

// runWatch, runLedger and runVerify are the watch, ledger and verify
// commands. (Not written yet.)
func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "vigil watch: not implemented yet")
	return 2
}

func runLedger(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "vigil ledger: not implemented yet")
	return 2
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "vigil verify: not implemented yet")
	return 2
}
