package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// runVerify exits 0 when the log verifies, 1 naming the first broken link,
// and 2 when the log cannot be read.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("verify", args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer store.Close()

	start := time.Now()
	fmt.Fprintf(stderr, "verifying %s …\n", describeStore(cfg))
	rep, err := eventstore.Verify(ctx, store)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	elapsed := time.Since(start)
	if !rep.OK() {
		fmt.Fprintf(stdout, "BROKEN after %d good events: %s\n", rep.Events, rep.Broken)
		return &exitError{code: 1, err: fmt.Errorf("integrity check failed at %s", rep.Broken)}
	}
	rate := float64(rep.Events) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(stdout, "OK: %d events in %d streams verified in %s (%.0f events/s)\n",
		rep.Events, rep.Streams, elapsed.Round(time.Millisecond), rate)
	return nil
}
