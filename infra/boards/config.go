package boards

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/jointops/jointops/projections/board"
)

// Defaults of Config.
const (
	// DefaultRingSize is how many deltas of each operation are kept for
	// resuming: at 200 events a second on one operation, about 20 s.
	DefaultRingSize = 4096
	// DefaultQueue is a subscriber's queue length when Subscribe is given
	// none.
	DefaultQueue = 256
)

// Config configures Boards.
type Config struct {
	// Board configures every operation's board.
	Board board.Config
	// RingSize is how many of each operation's latest deltas (those that
	// change what anyone sees) are kept so that a client resumes with
	// exactly what it missed; older positions get a fresh snapshot.
	// Defaults to DefaultRingSize.
	RingSize int
	// Queue is a subscriber's queue length (frames) when Subscribe is
	// given none. Defaults to DefaultQueue.
	Queue int
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	c.Board = c.Board.WithDefaults()
	if c.RingSize == 0 {
		c.RingSize = DefaultRingSize
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration; zero fields are
// valid (they take the defaults).
func (c Config) Validate() error {
	var errs []error
	if err := c.Board.WithDefaults().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.RingSize < 0 {
		errs = append(errs, fmt.Errorf("boards config: ring size %d must not be negative", c.RingSize))
	}
	if c.Queue < 0 {
		errs = append(errs, fmt.Errorf("boards config: queue %d must not be negative", c.Queue))
	}
	return errors.Join(errs...)
}
