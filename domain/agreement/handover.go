package agreement

import (
	"fmt"
	"time"

	"github.com/jointops/jointops/domain"
)

// Handover bounds how long an apprehended person may be held before being
// handed over to the host's officers or released. Hours of the night may
// not count (CISA Art. 41(6): 6 h, "the hours between midnight and 9.00
// a.m. not being counted"): the uncounted window is a daily interval of
// local clock times in the host's time zone.
type Handover struct {
	WithinMinutes int `json:"within_minutes"`
	// UncountedFrom and UncountedUntil are local clock times "HH:MM" of
	// the daily window that does not count; both empty for none. The
	// window may wrap midnight ("22:00" to "06:00").
	UncountedFrom  string `json:"uncounted_from,omitempty"`
	UncountedUntil string `json:"uncounted_until,omitempty"`
	// Zone is the IANA time zone of those clock times, such as
	// "Europe/Berlin"; required with a window.
	Zone string `json:"zone,omitempty"`
}

// IsZero reports whether no handover limit is set.
func (h Handover) IsZero() bool { return h == Handover{} }

// HasWindow reports whether some hours of the day do not count.
func (h Handover) HasWindow() bool { return h.UncountedFrom != "" || h.UncountedUntil != "" }

func (h Handover) validate(p *domain.Problems, field string) {
	if h.IsZero() {
		return
	}
	if h.WithinMinutes <= 0 {
		p.Add(domain.JoinPath(field, "within_minutes"), "required with a handover limit")
	}
	checkMinutes(p, domain.JoinPath(field, "within_minutes"), h.WithinMinutes)
	if !h.HasWindow() {
		if h.Zone != "" {
			p.Add(domain.JoinPath(field, "zone"), "only with an uncounted window")
		}
		return
	}
	from, okFrom := clock(h.UncountedFrom)
	until, okUntil := clock(h.UncountedUntil)
	if !okFrom {
		p.Add(domain.JoinPath(field, "uncounted_from"), "must be a clock time HH:MM")
	}
	if !okUntil {
		p.Add(domain.JoinPath(field, "uncounted_until"), "must be a clock time HH:MM")
	}
	if okFrom && okUntil && from == until {
		p.Add(domain.JoinPath(field, "uncounted_until"), "must differ from uncounted_from")
	}
	if !validZone(h.Zone) {
		p.Add(domain.JoinPath(field, "zone"), "must be an IANA time zone such as Europe/Berlin")
	}
}

// Deadline returns when a person apprehended at apprehendedAt must have
// been handed over or released, not counting the daily window (in loc, the
// location of Zone, which the caller loads: the domain reads no time zone
// database); ok is false without a handover limit. loc is ignored without
// a window, and must not be nil with one.
func (h Handover) Deadline(apprehendedAt time.Time, loc *time.Location) (t time.Time, ok bool, err error) {
	if h.WithinMinutes <= 0 {
		return time.Time{}, false, nil
	}
	remaining := minutes(h.WithinMinutes)
	if !h.HasWindow() {
		return apprehendedAt.Add(remaining), true, nil
	}
	from, okFrom := clock(h.UncountedFrom)
	until, okUntil := clock(h.UncountedUntil)
	if !okFrom || !okUntil || from == until || loc == nil {
		return time.Time{}, false, fmt.Errorf("handover window %q–%q in %v: %w", h.UncountedFrom, h.UncountedUntil, loc, domain.ErrInvalid)
	}
	t = apprehendedAt.In(loc)
	// Each round either ends inside counted time or skips one window, so
	// it takes at most two rounds per day of the limit.
	for range 2*(maxMinutes/(24*60)+2) + 2 {
		start, end := windowAround(t, from, until, loc)
		if !t.Before(start) && t.Before(end) {
			t = end // inside the window: counting resumes at its end
			continue
		}
		gap := start.Sub(t)
		if remaining <= gap {
			return t.Add(remaining).UTC(), true, nil
		}
		remaining -= gap
		t = end
	}
	return time.Time{}, false, fmt.Errorf("handover deadline of %d minutes did not converge: %w", h.WithinMinutes, domain.ErrInvalid)
}

// windowAround returns the uncounted window containing t, or else the
// next one to start after t.
func windowAround(t time.Time, from, until int, loc *time.Location) (start, end time.Time) {
	y, m, d := t.Date()
	for _, day := range []int{d - 1, d, d + 1} {
		start = time.Date(y, m, day, from/60, from%60, 0, 0, loc)
		endDay := day
		if until <= from {
			endDay++ // wraps midnight
		}
		end = time.Date(y, m, endDay, until/60, until%60, 0, 0, loc)
		if t.Before(end) {
			return start, end
		}
	}
	return start, end
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	digit := func(c byte) (int, bool) { return int(c - '0'), c >= '0' && c <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	h, m := h1*10+h2, m1*10+m2
	if !ok1 || !ok2 || !ok3 || !ok4 || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// validZone checks the shape of an IANA zone name ("Area/Location", or
// "UTC"); whether it exists is for whoever loads it.
func validZone(z string) bool {
	if z == "" || len(z) > 64 || z[0] == '/' || z[len(z)-1] == '/' {
		return false
	}
	for i := 0; i < len(z); i++ {
		c := z[i]
		ok := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '/' || c == '_' || c == '-' || c == '+'
		if !ok || (c == '/' && z[i-1] == '/') {
			return false
		}
	}
	return true
}
