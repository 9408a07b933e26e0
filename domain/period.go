package domain

import (
	"encoding/json"
	"time"
)

// Period is a half-open time interval [start, end) with end after start,
// held in UTC.
type Period struct {
	start, end time.Time
}

// NewPeriod validates and builds a period.
func NewPeriod(start, end time.Time) (Period, error) {
	var p Problems
	if start.IsZero() {
		p.Add("start", "required")
	}
	if end.IsZero() {
		p.Add("end", "required")
	}
	if p.Empty() && !end.After(start) {
		p.Add("end", "must be after start")
	}
	if err := p.Err(); err != nil {
		return Period{}, err
	}
	return Period{start: start.UTC(), end: end.UTC()}, nil
}

// Start returns the first instant of the period.
func (p Period) Start() time.Time { return p.start }

// End returns the first instant after the period.
func (p Period) End() time.Time { return p.end }

// IsZero reports whether p is unset.
func (p Period) IsZero() bool { return p.start.IsZero() && p.end.IsZero() }

// Contains reports whether t lies in [start, end).
func (p Period) Contains(t time.Time) bool { return !t.Before(p.start) && t.Before(p.end) }

// Covers reports whether q lies entirely within p.
func (p Period) Covers(q Period) bool { return !q.start.Before(p.start) && !q.end.After(p.end) }

// Overlaps reports whether p and q share an instant.
func (p Period) Overlaps(q Period) bool { return p.start.Before(q.end) && q.start.Before(p.end) }

// Equal reports whether p and q are the same interval.
func (p Period) Equal(q Period) bool { return p.start.Equal(q.start) && p.end.Equal(q.end) }

// String renders the period as "start/end" in RFC 3339.
func (p Period) String() string {
	return p.start.Format(time.RFC3339) + "/" + p.end.Format(time.RFC3339)
}

type periodJSON struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// MarshalJSON writes {"start": …, "end": …}.
func (p Period) MarshalJSON() ([]byte, error) {
	return json.Marshal(periodJSON{Start: p.start, End: p.end})
}

// UnmarshalJSON reads and validates a period.
func (p *Period) UnmarshalJSON(b []byte) error {
	var w periodJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v, err := NewPeriod(w.Start, w.End)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
