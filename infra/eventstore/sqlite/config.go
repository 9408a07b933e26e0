package sqlite

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Defaults of Config, applied to fields left zero.
const (
	DefaultMaxBatch         = 512
	DefaultQueueSize        = 1024
	DefaultRingSize         = 8192
	DefaultSubscriptionPage = 512
	DefaultHeadCacheSize    = 65536
	DefaultReadConns        = 4
	DefaultBusyTimeout      = 5 * time.Second
	DefaultCacheSizeKiB     = 16 * 1024
	DefaultMmapSize         = 256 << 20
	DefaultPageSize         = 4096
	DefaultCheckpointEvents = 16384
	// DefaultCheckpointInterval and DefaultCheckpointMinEvents: see
	// Config.CheckpointInterval.
	DefaultCheckpointInterval  = 250 * time.Millisecond
	DefaultCheckpointMinEvents = 256
)

// Config configures a Store. Only Path is required; zero fields take the
// defaults above.
type Config struct {
	// Path is the database file. It is created and initialised when it does
	// not exist or is empty. It must be a plain file name: no "file:" URI,
	// no "?" and not ":memory:" (the reader pool needs a shared file).
	Path string
	// MaxBatch caps the events committed in one transaction by the writer.
	// An append larger than MaxBatch is committed alone.
	MaxBatch int
	// QueueSize is the number of appends that may wait for the writer
	// before Append itself blocks.
	QueueSize int
	// RingSize is the number of most recently committed events kept in
	// memory for live subscribers; a subscriber further behind reads the file.
	RingSize int
	// SubscriptionPage is the number of events a catching-up subscriber
	// reads from the file at a time.
	SubscriptionPage int
	// HeadCacheSize caps the stream heads (last revision and chain link)
	// the writer keeps in memory; a stream not cached is looked up once.
	HeadCacheSize int
	// ReadConns is the size of the connection pool for reads.
	ReadConns int
	// BusyTimeout is how long a connection waits for a lock held by
	// another connection before failing.
	BusyTimeout time.Duration
	// CacheSizeKiB is SQLite's page cache per connection, in KiB.
	CacheSizeKiB int
	// MmapSize is the number of bytes of the file the readers map into
	// memory; 0 takes the default, a negative value disables mapping.
	MmapSize int64
	// CheckpointEvents is the number of events written between two
	// checkpoints, which copy the WAL back into the database file in the
	// background.
	CheckpointEvents int
	// CheckpointInterval also starts a checkpoint once this long has
	// passed since the last one, if at least CheckpointMinEvents were
	// written meanwhile. A checkpoint ends in an fsync of the database file
	// that delays the commits' own WAL fsyncs for as long as it takes, in
	// proportion to what it copies: at moderate rates (5,000 events/s)
	// small checkpoints several times a second keep that delay to a few
	// milliseconds instead of tens every few seconds; at full rate
	// CheckpointEvents, not the clock, sets their size.
	CheckpointInterval time.Duration
	// CheckpointMinEvents is the least an interval checkpoint copies.
	CheckpointMinEvents int
	// PageSize is the SQLite page size of a new file, a power of two from
	// 512 to 65536; an existing file keeps its own.
	PageSize int
	// Clock stamps RecordedAt at commit; the default is time.Now in UTC.
	Clock func() time.Time
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.RingSize == 0 {
		c.RingSize = DefaultRingSize
	}
	if c.SubscriptionPage == 0 {
		c.SubscriptionPage = DefaultSubscriptionPage
	}
	if c.HeadCacheSize == 0 {
		c.HeadCacheSize = DefaultHeadCacheSize
	}
	if c.ReadConns == 0 {
		c.ReadConns = DefaultReadConns
	}
	if c.BusyTimeout == 0 {
		c.BusyTimeout = DefaultBusyTimeout
	}
	if c.CacheSizeKiB == 0 {
		c.CacheSizeKiB = DefaultCacheSizeKiB
	}
	if c.MmapSize == 0 {
		c.MmapSize = DefaultMmapSize
	}
	if c.MmapSize < 0 {
		c.MmapSize = 0
	}
	if c.CheckpointEvents == 0 {
		c.CheckpointEvents = DefaultCheckpointEvents
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = DefaultCheckpointInterval
	}
	if c.CheckpointMinEvents == 0 {
		c.CheckpointMinEvents = DefaultCheckpointMinEvents
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Clock == nil {
		c.Clock = func() time.Time { return time.Now().UTC() }
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.Path == "":
		errs = append(errs, errors.New("path: required"))
	case c.Path == ":memory:" || strings.HasPrefix(c.Path, "file:") || strings.ContainsRune(c.Path, '?'):
		errs = append(errs, fmt.Errorf("path %q: want a plain file name (no file: URI, no '?', not :memory:)", c.Path))
	}
	positive := []struct {
		name string
		v    int
	}{
		{"max batch", c.MaxBatch},
		{"queue size", c.QueueSize},
		{"ring size", c.RingSize},
		{"subscription page", c.SubscriptionPage},
		{"head cache size", c.HeadCacheSize},
		{"read conns", c.ReadConns},
		{"cache size KiB", c.CacheSizeKiB},
		{"checkpoint events", c.CheckpointEvents},
		{"checkpoint min events", c.CheckpointMinEvents},
	}
	for _, p := range positive {
		if p.v < 1 {
			errs = append(errs, fmt.Errorf("%s: %d, want ≥ 1", p.name, p.v))
		}
	}
	if c.PageSize < 512 || c.PageSize > 65536 || c.PageSize&(c.PageSize-1) != 0 {
		errs = append(errs, fmt.Errorf("page size: %d, want a power of two from 512 to 65536", c.PageSize))
	}
	if c.CheckpointInterval < 0 {
		errs = append(errs, fmt.Errorf("checkpoint interval: %s, want ≥ 0", c.CheckpointInterval))
	}
	if c.BusyTimeout < time.Millisecond {
		errs = append(errs, fmt.Errorf("busy timeout: %s, want ≥ 1ms", c.BusyTimeout))
	}
	if c.Clock == nil {
		errs = append(errs, errors.New("clock: required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("logger: required"))
	}
	return errors.Join(errs...)
}
