package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/evidence"
	"github.com/jointops/jointops/infra/integrity"
)

// runVerify exits 0 when the log (or, with --bundle, an evidence bundle)
// verifies, 1 naming the first broken link, and 2 when the log cannot be
// read or the arguments are wrong.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var keyFile, bundle string
	cfg, err := loadConfig("verify", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&keyFile, "key", "", "pinned checkpoint public key (PEM); default the checkpoint.pub of the config")
		fs.StringVar(&bundle, "bundle", "", "verify the evidence bundle in this directory, offline, instead of the log")
	})
	if err != nil {
		return err
	}
	pub, pubPath, err := checkpointPublicKey(cfg, keyFile, bundle != "")
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if bundle != "" {
		return verifyBundle(bundle, pub, stdout, stderr)
	}
	log := newLogger(stderr, cfg)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer store.Close()

	start := time.Now()
	fmt.Fprintf(stderr, "verifying %s …\n", describeStore(cfg))
	rep, err := integrity.Verify(ctx, store, pub)
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
	switch {
	case pub == nil:
		fmt.Fprintf(stdout, "checkpoints: not checked, no public key at %s (pass --key)\n", pubPath)
	case !rep.Signed:
		fmt.Fprintln(stdout, "checkpoints: none signed yet; a removal of a stream's last events would go unnoticed")
	default:
		fmt.Fprintf(stdout, "checkpoints: %d verified (key %s); last signed position %s; %d events after it not yet covered\n",
			rep.Checkpoints, integrity.KeyID(pub), rep.LastSigned, rep.Uncovered)
	}
	return nil
}

// checkpointPublicKey returns the pinned key: --key, or the public key
// beside the configured checkpoint key. Without --key a missing file is no
// error for the log (its chains are still checked) but is for a bundle,
// whose own copy of the key proves nothing.
func checkpointPublicKey(cfg config.Config, keyFile string, bundle bool) (ed25519.PublicKey, string, error) {
	path := keyFile
	if path == "" {
		path = cfg.CheckpointPublicKeyPath()
	}
	pub, err := integrity.LoadPublicKey(path)
	switch {
	case err == nil:
		return pub, path, nil
	case keyFile == "" && !bundle && errors.Is(err, fs.ErrNotExist):
		return nil, path, nil
	case keyFile == "" && bundle && errors.Is(err, fs.ErrNotExist):
		return nil, path, fmt.Errorf("a bundle is checked against a key you trust, not its own copy: pass --key with the server's checkpoint.pub (%s not found): %w", path, err)
	}
	return nil, path, err
}

// verifyBundle checks an evidence bundle offline.
func verifyBundle(dir string, pub ed25519.PublicKey, stdout, stderr io.Writer) error {
	start := time.Now()
	fmt.Fprintf(stderr, "verifying bundle %s …\n", dir)
	rep, err := evidence.VerifyBundle(dir, pub)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "BROKEN bundle: %s\n", rep.Problem)
		return &exitError{code: 1, err: fmt.Errorf("bundle check failed: %s", rep.Problem)}
	}
	fmt.Fprintf(stdout, "OK: bundle of operation %s (%s) verified in %s: %d events, %d links in %d streams, %d withheld; signed at position %s with key %s\n",
		rep.Operation, rep.Scope, time.Since(start).Round(time.Millisecond), rep.Events, rep.Links, rep.Streams, rep.Withheld, rep.Position, integrity.KeyID(pub))
	return nil
}
