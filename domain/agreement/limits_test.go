package agreement_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// The boundaries the compliance rules turn on. Limits are inclusive: an
// action exactly at the limit is within it.
func TestLimitBoundaries(t *testing.T) {
	tenKm := agreement.Limits{DistanceKm: 10}
	fiveHours := agreement.Limits{DurationMinutes: 300}
	tests := []struct {
		name   string
		beyond bool
		want   bool
	}{
		{"9.9 km of a 10 km limit", tenKm.BeyondDistance(9_900), false},
		{"exactly 10 km", tenKm.BeyondDistance(10_000), false},
		{"10.1 km of a 10 km limit", tenKm.BeyondDistance(10_100), true},
		{"no distance limit, 300 km", agreement.Limits{}.BeyondDistance(300_000), false},
		{"4 h 59 min of 5 h", fiveHours.BeyondDuration(4*time.Hour + 59*time.Minute), false},
		{"exactly 5 h", fiveHours.BeyondDuration(5 * time.Hour), false},
		{"5 h 01 min of 5 h", fiveHours.BeyondDuration(5*time.Hour + time.Minute), true},
		{"no time limit, 2 days", agreement.Limits{}.BeyondDuration(48 * time.Hour), false},
	}
	for _, tt := range tests {
		if tt.beyond != tt.want {
			t.Errorf("%s: beyond = %v, want %v", tt.name, tt.beyond, tt.want)
		}
	}
}

func TestDeadlines(t *testing.T) {
	crossed := time.Date(2025, 3, 1, 14, 0, 0, 0, time.UTC)
	urgent := agreement.Authorisation{Mode: agreement.AuthorisationUrgent, DueWithinMinutes: 300}
	if d, ok := urgent.Due(); !ok || d != 5*time.Hour {
		t.Errorf("urgent authorisation due after %s, %v; want 5h", d, ok)
	}
	if _, ok := (agreement.Authorisation{Mode: agreement.AuthorisationPrior}).Due(); ok {
		t.Error("prior authorisation has an urgent deadline")
	}
	tests := []struct {
		name string
		n    agreement.Notification
		want time.Time
		ok   bool
	}{
		{"at the crossing", agreement.Notification{When: agreement.NotifyAtCrossing}, crossed, true},
		{"before the crossing", agreement.Notification{When: agreement.NotifyBeforeCrossing}, crossed, true},
		{"within 30 minutes", agreement.Notification{When: agreement.NotifyWithin, WithinMinutes: 30}, crossed.Add(30 * time.Minute), true},
		{"none", agreement.Notification{When: agreement.NotifyNone}, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := tt.n.Deadline(crossed)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("notify %s: %s %v, want %s %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := (agreement.Report{Required: true, WithinMinutes: 60}).Deadline(crossed); !ok || !got.Equal(crossed.Add(time.Hour)) {
		t.Errorf("report due %s %v", got, ok)
	}
	if _, ok := (agreement.Report{Required: true}).Deadline(crossed); ok {
		t.Error("a report without a deadline has one")
	}
}

// TestHandoverDeadline checks the 6 h rule of CISA Art. 41(6) with the
// hours from midnight to 09:00 (local time) not counted.
func TestHandoverDeadline(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	local := func(day, h, m int) time.Time { return time.Date(2025, 3, day, h, m, 0, 0, cet) }
	night := agreement.Handover{WithinMinutes: 360, UncountedFrom: "00:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
	wraps := agreement.Handover{WithinMinutes: 360, UncountedFrom: "22:00", UncountedUntil: "06:00", Zone: "Europe/Paris"}
	tests := []struct {
		name string
		h    agreement.Handover
		at   time.Time
		want time.Time
	}{
		{"in the day: six hours", night, local(1, 10, 0), local(1, 16, 0)},
		{"ending exactly at midnight", night, local(1, 18, 0), local(2, 0, 0)},
		{"one minute later: the night does not count", night, local(1, 18, 1), local(2, 9, 1)},
		{"at 23:00: one hour, the night, five hours", night, local(1, 23, 0), local(2, 14, 0)},
		{"at 03:00, inside the window: counting starts at 09:00", night, local(2, 3, 0), local(2, 15, 0)},
		{"at exactly 09:00", night, local(2, 9, 0), local(2, 15, 0)},
		{"window wrapping midnight, from 20:00", wraps, local(1, 20, 0), local(2, 10, 0)},
		{"window wrapping midnight, from 01:00", wraps, local(2, 1, 0), local(2, 12, 0)},
		{"without a window", agreement.Handover{WithinMinutes: 360}, local(1, 23, 0), local(2, 5, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := tt.h.Deadline(tt.at, cet)
			if err != nil || !ok {
				t.Fatalf("Deadline: %v %v", ok, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("deadline %s, want %s", got.In(cet), tt.want)
			}
		})
	}
	if _, ok, err := (agreement.Handover{}).Deadline(local(1, 10, 0), cet); ok || err != nil {
		t.Errorf("no handover limit: %v %v", ok, err)
	}
	if _, _, err := night.Deadline(local(1, 10, 0), nil); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("a window without a location: %v, want ErrInvalid", err)
	}
}

// TestHandoverDeadlineAcrossDaylightSaving: the night the clocks go
// forward, the uncounted window 00:00–09:00 lasts eight real hours.
func TestHandoverDeadlineAcrossDaylightSaving(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	night := agreement.Handover{WithinMinutes: 360, UncountedFrom: "00:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
	apprehended := time.Date(2025, 3, 29, 23, 0, 0, 0, paris) // CET
	got, ok, err := night.Deadline(apprehended, paris)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if want := time.Date(2025, 3, 30, 14, 0, 0, 0, paris); !got.Equal(want) { // CEST
		t.Errorf("deadline %s, want %s", got.In(paris), want)
	}
}
