package main

import (
	"context"
	"crypto/ed25519"
	"log/slog"

	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

// startCheckpointer loads the checkpoint signing key (generating it, and
// writing its public key beside it, on the first run) and signs checkpoints
// of the stream heads until the system closes. Its closer runs after the
// command side's and before the store's, so the last checkpoint covers the
// last command.
func startCheckpointer(ctx context.Context, cfg config.Config, store eventstore.Store, log *slog.Logger, sys *system) error {
	key, created, err := integrity.LoadOrCreateKey(cfg.CheckpointKeyPath(), cfg.CheckpointPublicKeyPath())
	if err != nil {
		return err
	}
	// Paths and the key's ID only: key material never reaches a log.
	log.Info("checkpoint signing key", "path", cfg.CheckpointKeyPath(), "public_key", cfg.CheckpointPublicKeyPath(),
		"key_id", integrity.KeyID(key.Public().(ed25519.PublicKey)), "generated", created)
	c, err := integrity.New(integrity.Config{Store: store, Key: key, Interval: cfg.CheckpointInterval,
		ShutdownTimeout: cfg.ShutdownTimeout, Logger: log.With("component", "integrity")})
	if err != nil {
		return err
	}
	// Not ctx itself: a signal ends ctx while the server still drains, and
	// the last checkpoint must come after that.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	sys.closers = append(sys.closers, func() error {
		cancel()
		return <-done
	})
	return nil
}
