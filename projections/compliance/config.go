package compliance

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of Config.
const (
	// DefaultClockSkew tolerates field clocks up to two minutes apart
	// (domain.DefaultMaxFutureSkew) when a notification's time is compared
	// with a crossing's.
	DefaultClockSkew = 2 * time.Minute
	// DefaultSurveillanceDue is how long an urgent surveillance may go on
	// across the border without the host's authorisation when its
	// provision sets no limit (CISA Art. 40(2): 5 h).
	DefaultSurveillanceDue = 5 * time.Hour
	// DefaultLanguage is the language of the explanations the rules write.
	DefaultLanguage = "en"
)

// Config tunes the policy. Zero fields take their defaults.
type Config struct {
	// ClockSkew is added to a notification deadline before it counts as
	// missed: the crossing and the notification are timed by different
	// devices. Negative values are refused; use a tiny positive value for
	// none.
	ClockSkew time.Duration
	// SurveillanceDue is the authorisation deadline of an urgent
	// surveillance whose provision sets none.
	SurveillanceDue time.Duration
	// Language is the BCP 47 tag of the explanations.
	Language string
	// Locations loads the IANA time zone of a hand-over window (the
	// 00:00–09:00 rule is in the host's local time). The fold reads no
	// time zone database itself: without Locations, hand-over limits with
	// a window are not checked. infra/compliance passes time.LoadLocation.
	Locations func(zone string) (*time.Location, error)
}

func (c *Config) setDefaults() {
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	if c.SurveillanceDue == 0 {
		c.SurveillanceDue = DefaultSurveillanceDue
	}
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
}

// Validate reports every problem of c.
func (c Config) Validate() error {
	var errs []error
	if c.ClockSkew < 0 {
		errs = append(errs, fmt.Errorf("compliance policy: clock skew %s is negative", c.ClockSkew))
	}
	if c.SurveillanceDue < 0 {
		errs = append(errs, fmt.Errorf("compliance policy: surveillance due %s is negative", c.SurveillanceDue))
	}
	return errors.Join(errs...)
}
