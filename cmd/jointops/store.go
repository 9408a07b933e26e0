package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// openStore opens the configured event log adapter.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (eventstore.Store, error) {
	switch cfg.Store {
	case config.StoreESDB:
		s, err := esdb.Open(ctx, esdb.Config{ConnectionString: cfg.ESDBURL, TLSCAFile: cfg.ESDBCAFile, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open EventStoreDB: %w", err)
		}
		return s, nil
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		s, err := sqlite.Open(ctx, sqlite.Config{Path: cfg.SQLitePath(), Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open embedded store: %w", err)
		}
		return s, nil
	}
}

// describeStore names the store for logs without revealing credentials that
// a connection string may carry.
func describeStore(cfg config.Config) string {
	if cfg.Store == config.StoreESDB {
		return "esdb"
	}
	return "sqlite " + cfg.SQLitePath()
}

// headProbe is the readiness check of the event log.
func headProbe(s eventstore.Reader) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		p, ok, err := s.Head(ctx)
		if err != nil {
			return "", err
		}
		if !ok {
			return "empty log", nil
		}
		return "head " + p.String(), nil
	}
}
