package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Store kinds.
const (
	StoreSQLite = "sqlite"
	StoreESDB   = "esdb"
)

// Config is the server configuration. The zero value plus SetDefaults is a
// working single-node setup on the embedded store under ./data.
type Config struct {
	// DataDir holds the embedded store and generated keys.
	DataDir string
	// HTTPAddr is the listen address of the API, e.g. "127.0.0.1:8080".
	HTTPAddr string
	// TLSCertFile and TLSKeyFile, both set, make the listener serve TLS.
	TLSCertFile string
	TLSKeyFile  string
	// Store selects the event log adapter: "sqlite" (embedded) or "esdb".
	Store string
	// ESDBURL is the EventStoreDB connection string when Store is "esdb".
	ESDBURL string
	// ESDBCAFile is an optional PEM bundle to verify the EventStoreDB server.
	ESDBCAFile string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration
}

// SetDefaults fills every unset field with its default.
func (c *Config) SetDefaults() {
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = "127.0.0.1:8080"
	}
	if c.Store == "" {
		c.Store = StoreSQLite
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data dir: must be set"))
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("http addr %q: %w", c.HTTPAddr, err))
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("tls: set both the certificate and the key file, or neither"))
	}
	switch c.Store {
	case StoreSQLite:
	case StoreESDB:
		if c.ESDBURL == "" {
			errs = append(errs, errors.New("esdb url: required when store is esdb"))
		}
	default:
		errs = append(errs, fmt.Errorf("store %q: want %s or %s", c.Store, StoreSQLite, StoreESDB))
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("shutdown timeout: must be positive"))
	}
	return errors.Join(errs...)
}

// SQLitePath is the embedded store's file inside DataDir.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "events.db") }

// TLS reports whether the listener serves TLS.
func (c Config) TLS() bool { return c.TLSCertFile != "" }

// FromEnv overrides fields from JOINTOPS_* environment variables; lookup is
// os.LookupEnv in production and a map in tests.
func (c *Config) FromEnv(lookup func(string) (string, bool)) error {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	strs := map[string]*string{
		"JOINTOPS_DATA_DIR":     &c.DataDir,
		"JOINTOPS_HTTP_ADDR":    &c.HTTPAddr,
		"JOINTOPS_TLS_CERT":     &c.TLSCertFile,
		"JOINTOPS_TLS_KEY":      &c.TLSKeyFile,
		"JOINTOPS_STORE":        &c.Store,
		"JOINTOPS_ESDB_URL":     &c.ESDBURL,
		"JOINTOPS_ESDB_CA_FILE": &c.ESDBCAFile,
		"JOINTOPS_LOG_LEVEL":    &c.LogLevel,
	}
	for k, p := range strs {
		if v, ok := lookup(k); ok {
			*p = v
		}
	}
	if v, ok := lookup("JOINTOPS_SHUTDOWN_TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_SHUTDOWN_TIMEOUT: %w", err)
		}
		c.ShutdownTimeout = d
	}
	return nil
}

// ParseLevel maps a level name to a slog level.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToLower(s))); err != nil {
		return l, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}
