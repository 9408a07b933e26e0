package esdb

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// Defaults of Config, applied to fields left zero.
const (
	DefaultIdempotencyWindow     = 16
	DefaultRecentIDs             = 65536
	DefaultAppendAttempts        = 10
	DefaultReadBatch             = 1024
	DefaultResubscribeMinBackoff = 50 * time.Millisecond
	DefaultResubscribeMaxBackoff = 5 * time.Second
)

// Config configures a Store. Only ConnectionString is required; zero fields
// take the defaults above.
type Config struct {
	// ConnectionString locates the server or cluster, e.g.
	// "esdb://node1:2113,node2:2113?tls=true" or "esdb+discover://cluster:2113".
	// TLS is on unless it says tls=false. Settings the client does not know
	// are rejected rather than ignored, so a typo does not pass silently.
	ConnectionString string
	// Namespace, if set, keeps this Store's log apart from every other on
	// the same server: stream s is stored as "<Namespace>/s", and reads and
	// subscriptions see only the events of the namespace. It lets several
	// deployments (or tests) share one cluster. It must not begin with "$"
	// or contain "/".
	Namespace string
	// TLSCAFile is a PEM file of the certificate authorities that sign the
	// server's certificate, for clusters with a private CA. It needs TLS on,
	// and must not be combined with the connection string's tlsCAFile.
	TLSCAFile string
	// Logger receives the adapter's messages and those of the EventStoreDB
	// client, which would otherwise write to the process's console.
	// The default is slog.Default().
	Logger *slog.Logger
	// IdempotencyWindow is how many of a stream's latest events an append
	// reads to recognise a retry of event IDs it already stored.
	IdempotencyWindow int
	// RecentIDs is how many event IDs appended through this Store are
	// remembered with their stream, to reject an ID reused in another stream
	// (EventStoreDB has no index of event IDs across streams).
	RecentIDs int
	// AppendAttempts bounds how often an append under Any or StreamExists
	// re-reads the stream's tail after a racing writer moved it.
	AppendAttempts int
	// ReadBatch caps the events requested from the server in one read; a
	// ReadAll that skips system and foreign events may need several.
	ReadBatch int
	// ResubscribeMinBackoff and ResubscribeMaxBackoff bound the wait before
	// a dropped subscription is opened again; the wait doubles per failed
	// attempt and resets once events flow.
	ResubscribeMinBackoff time.Duration
	ResubscribeMaxBackoff time.Duration
}

// knownSetting reports whether the v4.2.0 client understands a connection
// string setting. It would log any other to the console (its parser runs
// before our logger is installed) and otherwise ignore it.
func knownSetting(name string) bool {
	switch strings.ToLower(name) {
	case "discoveryinterval", "gossiptimeout", "maxdiscoverattempts", "nodepreference",
		"keepaliveinterval", "keepalivetimeout", "tls", "tlscafile", "usercertfile",
		"userkeyfile", "tlsverifycert", "defaultdeadline":
		return true
	}
	return false
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.IdempotencyWindow == 0 {
		c.IdempotencyWindow = DefaultIdempotencyWindow
	}
	if c.RecentIDs == 0 {
		c.RecentIDs = DefaultRecentIDs
	}
	if c.AppendAttempts == 0 {
		c.AppendAttempts = DefaultAppendAttempts
	}
	if c.ReadBatch == 0 {
		c.ReadBatch = DefaultReadBatch
	}
	if c.ResubscribeMinBackoff == 0 {
		c.ResubscribeMinBackoff = DefaultResubscribeMinBackoff
	}
	if c.ResubscribeMaxBackoff == 0 {
		c.ResubscribeMaxBackoff = DefaultResubscribeMaxBackoff
	}
}

// Validate reports every problem of the configuration at once. Zero fields
// are valid: they take their defaults.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, c.validateConnection()...)
	if strings.HasPrefix(c.Namespace, "$") || strings.Contains(c.Namespace, "/") {
		errs = append(errs, fmt.Errorf("namespace %q: must not begin with $ or contain /", c.Namespace))
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"IdempotencyWindow", c.IdempotencyWindow},
		{"RecentIDs", c.RecentIDs},
		{"AppendAttempts", c.AppendAttempts},
		{"ReadBatch", c.ReadBatch},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative", f.name, f.v))
		}
	}
	if c.ResubscribeMinBackoff < 0 || c.ResubscribeMaxBackoff < 0 {
		errs = append(errs, errors.New("resubscribe backoffs must not be negative"))
	}
	if c.ResubscribeMinBackoff > 0 && c.ResubscribeMaxBackoff > 0 && c.ResubscribeMinBackoff > c.ResubscribeMaxBackoff {
		errs = append(errs, fmt.Errorf("ResubscribeMinBackoff %s exceeds ResubscribeMaxBackoff %s", c.ResubscribeMinBackoff, c.ResubscribeMaxBackoff))
	}
	return errors.Join(errs...)
}

// connString is a connection string split into what Validate checks.
type connString struct {
	base        string // scheme, credentials and hosts
	query       url.Values
	tls         bool
	credentials bool
}

func parseConnString(s string) (connString, error) {
	base, rawQuery, _ := strings.Cut(s, "?")
	scheme, rest, ok := strings.Cut(base, "://")
	if !ok || (scheme != "esdb" && scheme != "esdb+discover") {
		return connString{}, fmt.Errorf("connection string %q: want esdb:// or esdb+discover://", redact(s))
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return connString{}, fmt.Errorf("connection string settings: %w", err)
	}
	cs := connString{base: base, query: q, tls: true}
	authority, _, _ := strings.Cut(rest, "/")
	cs.credentials = strings.Contains(authority, "@")
	if v, ok := setting(q, "tls"); ok {
		on, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return connString{}, fmt.Errorf("connection string setting tls=%q: want true or false", v)
		}
		cs.tls = on
	}
	return cs, nil
}

// setting looks a setting up case-insensitively, as the client does.
func setting(q url.Values, name string) (string, bool) {
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

func (c Config) validateConnection() []error {
	if c.ConnectionString == "" {
		return []error{errors.New("ConnectionString is required")}
	}
	cs, err := parseConnString(c.ConnectionString)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for k := range cs.query {
		if !knownSetting(k) {
			errs = append(errs, fmt.Errorf("connection string setting %q is unknown to the EventStoreDB client", k))
		}
	}
	if c.TLSCAFile != "" && !cs.tls {
		errs = append(errs, errors.New("TLSCAFile is set but the connection string says tls=false"))
	}
	if _, ok := setting(cs.query, "tlsCAFile"); ok && c.TLSCAFile != "" {
		errs = append(errs, errors.New("TLSCAFile is set and the connection string has tlsCAFile too: give one"))
	}
	// The client silently drops credentials on insecure connections
	// (endpoint.go: basic auth only when TLS is on): refuse rather than run
	// unauthenticated.
	if cs.credentials && !cs.tls {
		errs = append(errs, errors.New("connection string has credentials but tls=false: the client would not send them"))
	}
	return errs
}

// redact hides the password of a connection string in messages.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":***@" + rest[at+1:]
}

// clientConfiguration turns c (defaults applied, valid) into the client's
// configuration, with the client's logging routed to slog.
func (c Config) clientConfiguration() (*esdb.Configuration, error) {
	cs, err := parseConnString(c.ConnectionString)
	if err != nil {
		return nil, err
	}
	// The client's parser warns through its console logger, which cannot
	// be replaced before parsing, when keepAliveInterval is below 10 s: take
	// that setting out and apply it ourselves.
	keepAlive, hasKeepAlive, err := takeKeepAlive(cs.query)
	if err != nil {
		return nil, err
	}
	s := cs.base
	if len(cs.query) > 0 {
		s += "?" + cs.query.Encode()
	}
	conf, err := esdb.ParseConnectionString(s)
	if err != nil {
		return nil, fmt.Errorf("connection string %q: %w", redact(c.ConnectionString), err)
	}
	conf.Logger = clientLogging(c.Logger)
	if hasKeepAlive {
		conf.KeepAliveInterval = keepAlive
		if keepAlive >= 0 && keepAlive < 10*time.Second {
			c.Logger.Warn("esdb: keepAliveInterval below the recommended 10 s", "keepAliveInterval", keepAlive)
		}
	}
	if c.TLSCAFile != "" {
		pool, err := loadCAs(c.TLSCAFile)
		if err != nil {
			return nil, err
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// takeKeepAlive removes keepAliveInterval from q and parses it the way the
// client does: milliseconds, or -1 to disable keepalive.
func takeKeepAlive(q url.Values) (time.Duration, bool, error) {
	for k, v := range q {
		if !strings.EqualFold(k, "keepAliveInterval") {
			continue
		}
		delete(q, k)
		if len(v) == 0 {
			return 0, false, nil
		}
		ms, err := strconv.Atoi(v[0])
		if err != nil || ms < -1 {
			return 0, false, fmt.Errorf("connection string setting keepAliveInterval=%q: want milliseconds or -1", v[0])
		}
		if ms == -1 {
			return -1, true, nil
		}
		return time.Duration(ms) * time.Millisecond, true, nil
	}
	return 0, false, nil
}

// loadCAs reads a PEM file of CA certificates.
func loadCAs(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("TLSCAFile: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("TLSCAFile %s: no PEM certificate found", path)
	}
	return pool, nil
}
