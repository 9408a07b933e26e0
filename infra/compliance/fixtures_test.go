package compliance_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/projections"
)

// recorder is a Recorder that remembers every command, answers a command
// ID it saw before as a retry, and can be made to fail.
type recorder struct {
	mu       sync.Mutex
	seen     map[commands.CommandID]bool
	raised   []flags.Flag
	cleared  []flags.FlagID
	failNext int // transient failures to return before succeeding
}

func newRecorder() *recorder { return &recorder{seen: map[commands.CommandID]bool{}} }

func (r *recorder) take(id commands.CommandID) (fresh bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failNext > 0 {
		r.failNext--
		return false, fmt.Errorf("store: %w", context.DeadlineExceeded)
	}
	if r.seen[id] {
		return false, nil
	}
	r.seen[id] = true
	return true, nil
}

func (r *recorder) RaiseFlag(_ context.Context, p commands.Principal, id commands.CommandID, in commands.FlagRaise) (commands.Accepted, error) {
	fresh, err := r.take(id)
	if err != nil || !fresh {
		return commands.Accepted{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.raised = append(r.raised, in.Flag)
	return commands.Accepted{Events: 1}, nil
}

func (r *recorder) ClearFlag(_ context.Context, p commands.Principal, id commands.CommandID, in commands.FlagClearance) (commands.Accepted, error) {
	fresh, err := r.take(id)
	if err != nil || !fresh {
		return commands.Accepted{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleared = append(r.cleared, in.Flag)
	return commands.Accepted{Events: 1}, nil
}

func (r *recorder) rules() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []string{}
	for _, f := range r.raised {
		out = append(out, string(f.Rule))
	}
	return out
}

var (
	de, fr   = dt.State("DE"), dt.State("FR")
	deA      = dt.Agency(1)
	opID     = dt.Operation(1)
	unit     = dt.Unit(1)
	pursuit  = dt.Activity(1)
	crossing = dt.At(time.Minute)
)

func pt(lat, lon float64) geo.Point { return dt.Must(geo.NewPoint(lat, lon)) }

// scenario is a small log: France west of 7° E, Germany east, CISA Art. 41
// with a 10 km limit; a German pursuit crosses at 08:01 without notifying,
// goes 15 km in and later strays out of the area.
func scenario(t testing.TB) []projections.Envelope {
	t.Helper()
	revs := map[string]uint64{}
	var out []projections.Envelope
	report := uint64(0)
	add := func(stream string, at time.Time, p domain.Payload) {
		rev := revs[stream]
		revs[stream] = rev + 1
		out = append(out, projections.Envelope{Position: fmt.Sprint(len(out) + 1), Stream: stream, Revision: rev,
			Event: domain.Event{Type: p.EventType(), SchemaVersion: 1, OccurredAt: at, RecordedAt: at,
				Actor: domain.Actor{Agency: deA, Unit: unit}, Payload: p}})
	}
	head := func() fieldlog.Header {
		report++
		return fieldlog.Header{ReportID: dt.Report(report), OperationID: opID, UnitID: unit}
	}
	line := dt.Must(geo.NewLine(orb.LineString{{7, 46}, {7, 50}}))
	square := func(x0, x1 float64) geo.MultiPolygon {
		return dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{{x0, 46}, {x1, 46}, {x1, 50}, {x0, 50}, {x0, 46}}}}))
	}
	t0 := dt.At(-time.Hour)
	add(state.Stream(fr), t0, &state.Registered{Code: fr, Name: "France", Territory: square(5, 7)})
	add(state.Stream(fr), t0, &state.LandBorderDeclared{Code: fr, Neighbour: de, Line: line})
	add(state.Stream(de), t0, &state.Registered{Code: de, Name: "Germany", Territory: square(7, 9)})
	add(state.Stream(de), t0, &state.LandBorderDeclared{Code: de, Neighbour: fr, Line: line})
	add(agreement.Stream("cisa"), t0, &agreement.Recorded{Agreement: "cisa", Kind: agreement.KindMultilateral, Terms: agreement.Terms{
		Title: "CISA", Instrument: "CISA", Parties: []domain.StateCode{de, fr}, Language: "en",
		InForce: agreement.Validity{From: dt.At(-1000 * time.Hour)}}})
	add(agreement.Stream("cisa"), t0, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art41", Terms: agreement.ProvisionTerms{
		Article: "Art. 41", Title: "Hot pursuit", Action: agreement.ActionHotPursuit,
		Offences:      agreement.Offences{Kind: agreement.OffencesAny},
		Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationNotRequired},
		Notification:  agreement.Notification{When: agreement.NotifyAtCrossing},
		Limits:        agreement.Limits{DistanceKm: 10}, Apprehension: agreement.ApprehensionNone,
		Modes: []agreement.Mode{agreement.ModeLand}, Weapons: agreement.WeaponsSelfDefence,
		Validity: agreement.Validity{From: dt.At(-1000 * time.Hour)}}})
	add("agency-1", t0, &agency.Registered{AgencyID: deA, State: de, Name: "Bundespolizei", Kind: agency.KindPolice})
	add(operation.Stream(opID), t0, &operation.Proposed{OperationID: opID, Purpose: "patrol", Lead: deA,
		Participants: []domain.AgencyID{deA}, HostStates: []domain.StateCode{de, fr},
		Area:   dt.Must(geo.NewPolygon(orb.Polygon{{{6, 47}, {8, 47}, {8, 49}, {6, 49}, {6, 47}}})),
		Period: dt.Must(domain.NewPeriod(dt.At(-2*time.Hour), dt.At(48*time.Hour))), ArrangementVersion: 1})
	add(operation.Stream(opID), t0, &operation.ResourceCheckedIn{OperationID: opID, UnitID: unit, Agency: deA,
		Kind: operation.ResourceUnit, CallSign: "DE-1", Personnel: 2})
	stream := fieldlog.Stream(opID, unit)
	add(stream, dt.At(0), &fieldlog.PursuitStarted{Header: head(), PursuitStart: fieldlog.PursuitStart{Activity: pursuit,
		Grounds: fieldlog.GroundsCaughtInAct, Offence: "robbery", Target: "van", Point: pt(48, 7.1)}})
	add(stream, crossing, &fieldlog.BorderCrossed{Header: head(), BorderCrossing: fieldlog.BorderCrossing{From: de, To: fr,
		Point: pt(48, 7), Mode: fieldlog.ModeLand, Activity: pursuit}})
	add(stream, crossing.Add(10*time.Minute), &fieldlog.PositionReported{Header: head(), Position: fieldlog.Position{Point: pt(48, 6.8), Source: fieldlog.SourceGPS}})
	add(stream, crossing.Add(20*time.Minute), &fieldlog.PositionReported{Header: head(), Position: fieldlog.Position{Point: pt(48, 5.9), Source: fieldlog.SourceGPS}})
	return out
}

// wantRules are the flags scenario raises, in order.
// The distance flag comes first: a report's own flags are decided before
// the deadlines its recorded time passes.
var wantRules = []string{string(flags.RulePursuitDistance), string(flags.RuleNotificationMissing), string(flags.RuleOutsideArea)}
