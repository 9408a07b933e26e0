package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/jointops/jointops/infra/config"
)

// loadConfig reads the environment, then the flags (which win), applies
// defaults and validates.
func loadConfig(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, error) {
	var cfg config.Config
	if err := cfg.FromEnv(nil); err != nil {
		return cfg, err
	}
	cfg.SetDefaults()
	fs := flag.NewFlagSet("jointops "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory of the embedded store and keys (JOINTOPS_DATA_DIR)")
	fs.StringVar(&cfg.Store, "store", cfg.Store, "event store: sqlite or esdb (JOINTOPS_STORE)")
	fs.StringVar(&cfg.ESDBURL, "esdb-url", cfg.ESDBURL, "EventStoreDB connection string (JOINTOPS_ESDB_URL)")
	fs.StringVar(&cfg.ESDBCAFile, "esdb-ca-file", cfg.ESDBCAFile, "PEM CA bundle for EventStoreDB TLS (JOINTOPS_ESDB_CA_FILE)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (JOINTOPS_LOG_LEVEL)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, &exitError{code: 2, err: err}
	}
	if fs.NArg() > 0 {
		return cfg, &exitError{code: 2, err: fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, &exitError{code: 2, err: fmt.Errorf("configuration: %w", err)}
	}
	return cfg, nil
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	level, _ := config.ParseLevel(cfg.LogLevel) // validated by loadConfig
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
