package compliance_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/compliance"
)

// busyLog breaches most rules: excursions out of the area, a stranger, a
// pursuit too far and too long without notification, an urgent
// surveillance never authorised, an apprehension, a retraction.
func busyLog(t *testing.T) []projections.Envelope {
	juris := jurisdiction(t)
	l := newLog()
	envs := l.setUp(t)
	pursuit, watch := dt.Activity(1), dt.Activity(2)
	crossed := dt.At(time.Minute)
	envs = append(envs,
		l.position(deUnit, dt.At(0), inDE),
		startPursuit(l, dt.At(10*time.Second), pursuit, inDE),
		l.position(deUnit, crossed, westOf(t, juris, 48.2, 500)),
		l.position(deUnit, crossed.Add(5*time.Minute), westOf(t, juris, 48.2, 10100)),
		apprehend(l, crossed.Add(6*time.Minute), pursuit, westOf(t, juris, 48.2, 10300)),
		l.position(stranger, crossed.Add(7*time.Minute), inDE),
		l.position(deUnit, crossed.Add(90*time.Minute), pt(46.4, 6.5)),
		cease(l, crossed.Add(91*time.Minute), pursuit, pt(46.4, 6.5)),
		startSurveillance(l, crossed.Add(2*time.Hour), watch, true),
		notify(l, crossed.Add(2*time.Hour), 7, watch),
		crossInto(l, crossed.Add(2*time.Hour+time.Minute), watch, dt.State("FR")),
		l.position(plUnit, crossed.Add(3*time.Hour), westOf(t, juris, 48, 3000)),
		l.position(deUnit, crossed.Add(9*time.Hour), westOf(t, juris, 48, 3000)),
	)
	return envs
}

// TestReplayIsDeterministic folds the same log twice, and once more with a
// restart from a snapshot after every event: the decisions are identical
// and no flag is raised twice.
func TestReplayIsDeterministic(t *testing.T) {
	envs := busyLog(t)
	_, first := fold(t, envs)
	_, second := fold(t, envs)
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("two folds differ:\n%v\n%v", rules(first), rules(second))
	}
	t.Logf("decisions: %v", rules(first))
	if len(first) < 6 {
		t.Fatalf("the busy log raised only %v", rules(first))
	}
	seen := map[flags.FlagID]bool{}
	for _, d := range first {
		if d.Action != compliance.Raise {
			continue
		}
		if seen[d.Flag.ID] {
			t.Errorf("flag %s (%s) raised twice", d.Flag.ID, d.Flag.Rule)
		}
		seen[d.Flag.ID] = true
	}

	var restarted []compliance.Decision
	p := dt.Must(compliance.New(testConfig()))
	for _, e := range envs {
		restarted = append(restarted, p.Apply(e)...)
		snap, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		p = dt.Must(compliance.New(testConfig()))
		if err := p.UnmarshalBinary(snap); err != nil {
			t.Fatalf("restore after %s: %v", e.Position, err)
		}
	}
	if !reflect.DeepEqual(first, restarted) {
		t.Fatalf("restarting after every event changed the decisions:\n%v\n%v", rules(first), rules(restarted))
	}

	var fromParts []compliance.Decision
	p = dt.Must(compliance.New(testConfig()))
	for _, e := range envs {
		fromParts = append(fromParts, p.Apply(e)...)
		ref, state := dt.Must(p.MarshalReference()), dt.Must(p.MarshalState())
		p = dt.Must(compliance.New(testConfig()))
		if err := p.UnmarshalParts(ref, state); err != nil {
			t.Fatalf("restore the parts after %s: %v", e.Position, err)
		}
	}
	if !reflect.DeepEqual(first, fromParts) {
		t.Fatalf("restarting from the parts changed the decisions:\n%v\n%v", rules(first), rules(fromParts))
	}
}

// TestDueIsIdempotent: the ticker firing twice, and a later event, raise a
// deadline's flag once.
func TestDueIsIdempotent(t *testing.T) {
	l := newLog()
	envs := append(l.setUp(t), startPursuit(l, dt.At(0), dt.Activity(1), inDE), crossInto(l, dt.At(time.Minute), dt.Activity(1), dt.State("FR")))
	p, _ := fold(t, envs)
	first := p.Due(dt.At(time.Hour))
	if got := rules(first); len(got) != 1 || got[0] != string(flags.RuleNotificationMissing) {
		t.Fatalf("first Due: %v", got)
	}
	if again := p.Due(dt.At(time.Hour)); len(again) != 0 {
		t.Errorf("second Due fired again: %v", rules(again))
	}
	if later := p.Apply(l.position(deUnit, dt.At(50*time.Minute), inDE)); len(later) != 0 {
		t.Errorf("a later event fired again: %v", rules(later))
	}
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"not JSON", []byte("garbage"), projections.ErrSnapshotCorrupt},
		{"another version", []byte(`{"version":99}`), projections.ErrSnapshotVersion},
		{"another kind", []byte(`{"version":1,"kind":"state","data":{}}`), projections.ErrSnapshotCorrupt},
		{"a broken body", []byte(`{"version":1,"kind":"whole","data":{"units":7}}`), projections.ErrSnapshotCorrupt},
		{"no body", []byte(`{"version":1,"kind":"whole"}`), projections.ErrSnapshotCorrupt},
		{"an unknown reference event", []byte(`{"version":1,"kind":"whole","data":{"refs":[{"stream":"x","type":"made.up","payload":{}}]}}`), projections.ErrSnapshotCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := dt.Must(compliance.New(testConfig()))
			if err := p.UnmarshalBinary(tt.data); !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalBinary = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	_, err := compliance.New(compliance.Config{ClockSkew: -time.Second, SurveillanceDue: -time.Second})
	if err == nil || !strings.Contains(err.Error(), "clock skew") || !strings.Contains(err.Error(), "surveillance due") {
		t.Fatalf("New = %v, want both problems", err)
	}
}
