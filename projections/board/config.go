package board

import (
	"errors"
	"fmt"
)

// Defaults of Config.
const (
	DefaultTrackLength       = 20
	DefaultSignificantLength = 100
	DefaultReportLength      = 200
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
	// ReportLength is how many field reports other than positions a view
	// shows: the latest the agency may see. A view without it (0: from a
	// server that kept every report) keeps every report.
	ReportLength int `json:"report_length"`
}

// Config configures a Board.
type Config struct {
	// TrackLength defaults to DefaultTrackLength.
	TrackLength int
	// SignificantLength defaults to DefaultSignificantLength.
	SignificantLength int
	// ReportLength defaults to DefaultReportLength.
	ReportLength int
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.TrackLength == 0 {
		c.TrackLength = DefaultTrackLength
	}
	if c.SignificantLength == 0 {
		c.SignificantLength = DefaultSignificantLength
	}
	if c.ReportLength == 0 {
		c.ReportLength = DefaultReportLength
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
	if c.ReportLength < 1 {
		errs = append(errs, fmt.Errorf("board config: report length %d must be at least 1", c.ReportLength))
	}
	return errors.Join(errs...)
}

func (c Config) limits() Limits { return Limits(c) }
