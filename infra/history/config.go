package history

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections/board"
)

// Defaults of Config.
const (
	// DefaultSnapshotEvery is how many of an operation's events lie between
	// two snapshots of its board: a frame folds at most this many events.
	DefaultSnapshotEvery = 10_000
	// DefaultChunkSize is how many index entries one checkpoint part holds.
	DefaultChunkSize = 2048
	// DefaultReadPage is how many events one ReadStream call returns.
	DefaultReadPage = 1024
	// DefaultChunkCache is how many index chunks loaded back from their
	// parts stay decoded (about 130 KB each with the default chunk size).
	DefaultChunkCache = 64
)

// Config configures History. Reader and Decoder are required.
type Config struct {
	// Reader is the event log the frames read their events from.
	Reader eventstore.Reader
	// Decoder decodes stored events (*eventlog.Codec).
	Decoder projector.Decoder
	// Board configures the boards folded (use the live boards' config, so
	// a past board has the same windows as the live one).
	Board board.Config
	// SnapshotEvery is how many of an operation's events lie between two
	// snapshots of its board. Defaults to DefaultSnapshotEvery.
	SnapshotEvery int
	// ChunkSize is how many index entries a checkpoint part holds.
	// Defaults to DefaultChunkSize.
	ChunkSize int
	// ChunkCache is how many index chunks loaded back from their saved
	// parts (see SetPartLoader) stay decoded for the next reads. Defaults
	// to DefaultChunkCache.
	ChunkCache int
	// ReadPage is how many events one stream read returns. Defaults to
	// DefaultReadPage.
	ReadPage int
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	c.Board = c.Board.WithDefaults()
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = DefaultSnapshotEvery
	}
	if c.ChunkSize == 0 {
		c.ChunkSize = DefaultChunkSize
	}
	if c.ReadPage == 0 {
		c.ReadPage = DefaultReadPage
	}
	if c.ChunkCache == 0 {
		c.ChunkCache = DefaultChunkCache
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration; zero fields other
// than Reader and Decoder are valid (they take the defaults).
func (c Config) Validate() error {
	var errs []error
	if c.Reader == nil {
		errs = append(errs, errors.New("history config: reader required"))
	}
	if c.Decoder == nil {
		errs = append(errs, errors.New("history config: decoder required"))
	}
	if err := c.Board.WithDefaults().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.SnapshotEvery < 0 {
		errs = append(errs, fmt.Errorf("history config: snapshot spacing %d must not be negative", c.SnapshotEvery))
	}
	if c.ChunkSize < 0 {
		errs = append(errs, fmt.Errorf("history config: chunk size %d must not be negative", c.ChunkSize))
	}
	if c.ReadPage < 0 {
		errs = append(errs, fmt.Errorf("history config: read page %d must not be negative", c.ReadPage))
	}
	if c.ChunkCache < 0 {
		errs = append(errs, fmt.Errorf("history config: chunk cache %d must not be negative", c.ChunkCache))
	}
	return errors.Join(errs...)
}
