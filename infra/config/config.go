package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
	// TokenKeyFile is the ed25519 key that signs and verifies bearer tokens;
	// empty means keys/token-signing.pem inside DataDir (see TokenKeyPath).
	TokenKeyFile string
	// CheckpointKeyFile is the ed25519 key that signs the checkpoints of
	// stream heads; empty means checkpoint.key inside DataDir. Its public key
	// is written beside it (see CheckpointPublicKeyPath).
	CheckpointKeyFile string
	// CheckpointInterval is how often the server signs a checkpoint.
	CheckpointInterval time.Duration
	// RateLimit is the sustained number of API requests per second allowed
	// to one principal; RateBurst is how many may arrive at once.
	RateLimit float64
	RateBurst int
	// MaxBodyBytes bounds the body of one API request.
	MaxBodyBytes int64
	// CacheWeight bounds the report entries of the unit logs the command
	// side keeps loaded between commands (40–70 bytes each): the main
	// memory knob of a busy server. Zero means the commands package's
	// default (2,097,152).
	CacheWeight int
	// AllowedOrigins are the origins (scheme://host[:port]) whose pages may
	// open live boards over WebSocket, besides the server's own host. A
	// WebSocket upgrade from any other origin is refused: browsers send
	// cookies and credentials cross-site, so the origin is the only proof
	// that a page of ours opened the socket.
	AllowedOrigins []string
	// Demo loads the demo world and runs the field simulator (make run).
	Demo bool
}

// Defaults of the API limits. They are generous: a field unit reports a few
// times a second at most, and the limits exist to stop a runaway client, not
// to shape normal traffic.
const (
	DefaultRateLimit    = 200
	DefaultRateBurst    = 400
	DefaultMaxBodyBytes = 1 << 20
)

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
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.RateBurst == 0 {
		c.RateBurst = DefaultRateBurst
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = time.Minute
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
	if !(c.RateLimit > 0) || math.IsInf(c.RateLimit, 0) {
		errs = append(errs, fmt.Errorf("rate limit %v: must be a positive number of requests per second", c.RateLimit))
	}
	if c.RateBurst < 1 {
		errs = append(errs, fmt.Errorf("rate burst %d: must be at least 1", c.RateBurst))
	}
	if c.MaxBodyBytes < 1<<10 {
		errs = append(errs, fmt.Errorf("max body bytes %d: must be at least 1024", c.MaxBodyBytes))
	}
	if c.CheckpointInterval <= 0 {
		errs = append(errs, fmt.Errorf("checkpoint interval %s: must be positive", c.CheckpointInterval))
	}
	if c.CacheWeight < 0 {
		errs = append(errs, fmt.Errorf("cache weight %d: must be positive (or 0 for the default)", c.CacheWeight))
	}
	for _, o := range c.AllowedOrigins {
		if err := checkOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SQLitePath is the embedded store's file inside DataDir.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "events.db") }

// OutcomesPath is the file inside DataDir that records the outcome of every
// command by its ID, so a retried command gets its first answer.
func (c Config) OutcomesPath() string { return filepath.Join(c.DataDir, "commands.db") }

// ProjectionsPath is the file inside DataDir that keeps the checkpoints of
// the projections: their state with the log position it reflects.
func (c Config) ProjectionsPath() string { return filepath.Join(c.DataDir, "projections.db") }

// SnapshotsPath is the file inside DataDir that caches aggregate snapshots,
// so that a long stream is not folded from its first event after a start.
func (c Config) SnapshotsPath() string { return filepath.Join(c.DataDir, "snapshots.db") }

// TokenKeyPath is the file of the token signing key: TokenKeyFile, or
// keys/token-signing.pem inside DataDir.
func (c Config) TokenKeyPath() string {
	if c.TokenKeyFile != "" {
		return c.TokenKeyFile
	}
	return filepath.Join(c.DataDir, "keys", "token-signing.pem")
}

// CheckpointKeyPath is the file of the checkpoint signing key:
// CheckpointKeyFile, or checkpoint.key inside DataDir.
func (c Config) CheckpointKeyPath() string {
	if c.CheckpointKeyFile != "" {
		return c.CheckpointKeyFile
	}
	return filepath.Join(c.DataDir, "checkpoint.key")
}

// CheckpointPublicKeyPath is where the public half of the checkpoint key is
// written for verifiers to pin: the key's path with the extension .pub.
func (c Config) CheckpointPublicKeyPath() string {
	k := c.CheckpointKeyPath()
	return strings.TrimSuffix(k, filepath.Ext(k)) + ".pub"
}

// TLS reports whether the listener serves TLS.
func (c Config) TLS() bool { return c.TLSCertFile != "" }

// FromEnv overrides fields from JOINTOPS_* environment variables; lookup is
// os.LookupEnv in production and a map in tests.
func (c *Config) FromEnv(lookup func(string) (string, bool)) error {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	strs := map[string]*string{
		"JOINTOPS_DATA_DIR":            &c.DataDir,
		"JOINTOPS_HTTP_ADDR":           &c.HTTPAddr,
		"JOINTOPS_TLS_CERT":            &c.TLSCertFile,
		"JOINTOPS_TLS_KEY":             &c.TLSKeyFile,
		"JOINTOPS_STORE":               &c.Store,
		"JOINTOPS_ESDB_URL":            &c.ESDBURL,
		"JOINTOPS_ESDB_CA_FILE":        &c.ESDBCAFile,
		"JOINTOPS_LOG_LEVEL":           &c.LogLevel,
		"JOINTOPS_TOKEN_KEY":           &c.TokenKeyFile,
		"JOINTOPS_CHECKPOINT_KEY_FILE": &c.CheckpointKeyFile,
	}
	for k, p := range strs {
		if v, ok := lookup(k); ok {
			*p = v
		}
	}
	if v, ok := lookup("JOINTOPS_ALLOWED_ORIGINS"); ok {
		c.AllowedOrigins = splitList(v)
	}
	if v, ok := lookup("JOINTOPS_DEMO"); ok && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_DEMO: %w", err)
		}
		c.Demo = b
	}
	if v, ok := lookup("JOINTOPS_SHUTDOWN_TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_SHUTDOWN_TIMEOUT: %w", err)
		}
		c.ShutdownTimeout = d
	}
	if v, ok := lookup("JOINTOPS_CHECKPOINT_INTERVAL"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_CHECKPOINT_INTERVAL: %w", err)
		}
		c.CheckpointInterval = d
	}
	if v, ok := lookup("JOINTOPS_RATE_LIMIT"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("JOINTOPS_RATE_LIMIT: %w", err)
		}
		c.RateLimit = f
	}
	if v, ok := lookup("JOINTOPS_RATE_BURST"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_RATE_BURST: %w", err)
		}
		c.RateBurst = n
	}
	if v, ok := lookup("JOINTOPS_CACHE_WEIGHT"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("JOINTOPS_CACHE_WEIGHT: %w", err)
		}
		c.CacheWeight = n
	}
	if v, ok := lookup("JOINTOPS_MAX_BODY_BYTES"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("JOINTOPS_MAX_BODY_BYTES: %w", err)
		}
		c.MaxBodyBytes = n
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

// checkOrigin accepts an origin as browsers send it: scheme://host[:port],
// with no path, query or user.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil {
		return fmt.Errorf("allowed origin %q: %w", o, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("allowed origin %q: want scheme://host[:port]", o)
	}
	return nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
