package board

import (
	"errors"
	"fmt"
)

// Defaults of Config.
const (
	DefaultTrackLength       = 20
	DefaultSignificantLength = 100
)

// Limits bound the windows of a view. They are part of every View, so a
// client applying deltas trims exactly as the board does.
type Limits struct {
	// TrackLength is how many positions of each unit's track a view shows:
	// the latest the agency may see.
	TrackLength int `json:"track_length"`
	// SignificantLength is how many entries of the significant-events log
	// a view shows: the latest the agency may see.
	SignificantLength int `json:"significant_length"`
}

// Config configures a Board.
type Config struct {
	// TrackLength defaults to DefaultTrackLength.
	TrackLength int
	// SignificantLength defaults to DefaultSignificantLength.
	SignificantLength int
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.TrackLength == 0 {
		c.TrackLength = DefaultTrackLength
	}
	if c.SignificantLength == 0 {
		c.SignificantLength = DefaultSignificantLength
	}
	return c
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.TrackLength < 1 {
		errs = append(errs, fmt.Errorf("board config: track length %d must be at least 1", c.TrackLength))
	}
	if c.SignificantLength < 1 {
		errs = append(errs, fmt.Errorf("board config: significant length %d must be at least 1", c.SignificantLength))
	}
	return errors.Join(errs...)
}

func (c Config) limits() Limits { return Limits(c) }
