package compliance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

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
	"github.com/jointops/jointops/projections/compliance"
)

// The cast: France west and Germany east of a land border that bends
// east at 48° N (from 7° E at 46° N to 7.3° E at 48° N and back to 7° E at
// 50° N). German officers (agency 1) work in a joint operation hosted by
// both; agency 2 is French, agency 3 Polish (no agreement covers Poland).
var (
	de, fr, pl     = dt.State("DE"), dt.State("FR"), dt.State("PL")
	deA, frA, plA  = dt.Agency(1), dt.Agency(2), dt.Agency(3)
	opID           = dt.Operation(1)
	deUnit, plUnit = dt.Unit(1), dt.Unit(2)
	stranger       = dt.Unit(9) // never checked in
	since1995      = time.Date(1995, 3, 26, 0, 0, 0, 0, time.UTC)
	jointUntil     = dt.At(20 * time.Hour) // the joint-patrol provision expires then
	border         = orb.LineString{{7, 46}, {7.3, 48}, {7, 50}}
	bend           = pt(48, 7.3)
	periodEnd      = dt.At(48 * time.Hour)
	art41          = agreement.ProvisionRef{Agreement: "cisa", Provision: "art41"}
	art40Urgent    = agreement.ProvisionRef{Agreement: "cisa", Provision: "art40-2"}
)

func pt(lat, lon float64) geo.Point { return dt.Must(geo.NewPoint(lat, lon)) }

// logBuilder numbers events as a log would: global positions, revisions
// per stream. Each event is recorded when it occurred.
type logBuilder struct {
	n      int
	revs   map[string]uint64
	report uint64
}

func newLog() *logBuilder { return &logBuilder{revs: map[string]uint64{}} }

func (l *logBuilder) add(stream string, actor domain.Actor, at time.Time, p domain.Payload) projections.Envelope {
	l.n++
	rev := l.revs[stream]
	l.revs[stream] = rev + 1
	return projections.Envelope{Position: fmt.Sprint(l.n), Stream: stream, Revision: rev,
		Event: domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: at, RecordedAt: at,
			Actor: actor, Payload: p}}
}

// header returns the next report header of unit.
func (l *logBuilder) header(unit domain.UnitID) fieldlog.Header {
	l.report++
	return fieldlog.Header{ReportID: dt.Report(l.report), OperationID: opID, UnitID: unit}
}

// field adds a report of unit (whose agency acts) built by body from its
// header.
func (l *logBuilder) field(unit domain.UnitID, agencyID domain.AgencyID, at time.Time, body func(fieldlog.Header) domain.Payload) projections.Envelope {
	return l.add(fieldlog.Stream(opID, unit), domain.Actor{Agency: agencyID, Unit: unit}, at, body(l.header(unit)))
}

func (l *logBuilder) position(unit domain.UnitID, at time.Time, p geo.Point) projections.Envelope {
	return l.field(unit, agencyOf(unit), at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{Point: p, Source: fieldlog.SourceGPS}}
	})
}

func agencyOf(u domain.UnitID) domain.AgencyID {
	if u == plUnit {
		return plA
	}
	return deA
}

// setUp is the reference data and the operation.
func (l *logBuilder) setUp(t testing.TB) []projections.Envelope {
	t.Helper()
	admin := domain.Actor{Agency: deA}
	west := orb.Ring{{5, 46}, {7, 46}, {7.3, 48}, {7, 50}, {5, 50}, {5, 46}}
	east := orb.Ring{{7, 46}, {9, 46}, {9, 50}, {7, 50}, {7.3, 48}, {7, 46}}
	line := dt.Must(geo.NewLine(border))
	area := dt.Must(geo.NewPolygon(orb.Polygon{{{6, 46.5}, {8.5, 46.5}, {8.5, 49.5}, {6, 49.5}, {6, 46.5}}}))
	t0 := dt.At(-time.Hour)
	cisa := agreement.Terms{Title: "Convention implementing the Schengen Agreement", Instrument: "CISA",
		Parties: []domain.StateCode{de, fr}, Language: "en", InForce: agreement.Validity{From: since1995}}
	pursuit := agreement.ProvisionTerms{Article: "Art. 41", Title: "Hot pursuit", Text: "Pursuit up to 10 km, for 60 minutes.",
		Action:        agreement.ActionHotPursuit,
		Offences:      agreement.Offences{Kind: agreement.OffencesAny},
		Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationNotRequired},
		Notification:  agreement.Notification{When: agreement.NotifyAtCrossing, ContactPoint: agency.PurposePursuitNotification},
		Limits:        agreement.Limits{DistanceKm: 10, DurationMinutes: 60},
		Apprehension:  agreement.ApprehensionNone, Modes: []agreement.Mode{agreement.ModeLand},
		Weapons: agreement.WeaponsSelfDefence, Report: agreement.Report{Required: true, WithinMinutes: 24 * 60},
		Validity: agreement.Validity{From: since1995}}
	surveillance := pursuit
	surveillance.Article, surveillance.Title, surveillance.Text = "Art. 40(2)", "Urgent surveillance", "Authorisation within 5 hours."
	surveillance.Action, surveillance.Limits = agreement.ActionSurveillance, agreement.Limits{}
	surveillance.Authorisation = agreement.Authorisation{Mode: agreement.AuthorisationUrgent, DueWithinMinutes: 300}
	surveillance.Notification.ContactPoint = agency.PurposeSurveillanceNotification
	joint := pursuit
	joint.Article, joint.Title, joint.Text = "Art. 17", "Joint patrols", "Joint patrols on the host's territory."
	joint.Action, joint.Limits, joint.Apprehension = agreement.ActionJointOperation, agreement.Limits{}, agreement.ApprehensionHold
	joint.Authorisation = agreement.Authorisation{Mode: agreement.AuthorisationPrior}
	joint.Notification = agreement.Notification{When: agreement.NotifyNone}
	joint.Validity = agreement.Validity{From: since1995, Until: jointUntil}
	joint.Handover = agreement.Handover{WithinMinutes: 360, UncountedFrom: "00:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
	joint.Report = agreement.Report{}

	return []projections.Envelope{
		l.add(state.Stream(fr), admin, t0, &state.Registered{Code: fr, Name: "France", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{west}}))}),
		l.add(state.Stream(fr), admin, t0, &state.LandBorderDeclared{Code: fr, Neighbour: de, Line: line}),
		l.add(state.Stream(de), admin, t0, &state.Registered{Code: de, Name: "Germany", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{east}}))}),
		l.add(state.Stream(de), admin, t0, &state.LandBorderDeclared{Code: de, Neighbour: fr, Line: line}),
		l.add(agreement.Stream("cisa"), admin, t0, &agreement.Recorded{Agreement: "cisa", Kind: agreement.KindMultilateral, Terms: cisa}),
		l.add(agreement.Stream("cisa"), admin, t0, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art41", Terms: pursuit}),
		l.add(agreement.Stream("cisa"), admin, t0, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art40-2", Terms: surveillance}),
		l.add(agreement.Stream("cisa"), admin, t0, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art17", Terms: joint}),
		l.add("agency-1", admin, t0, &agency.Registered{AgencyID: deA, State: de, Name: "Bundespolizei", Kind: agency.KindPolice}),
		l.add("agency-2", admin, t0, &agency.Registered{AgencyID: frA, State: fr, Name: "Police nationale", Kind: agency.KindPolice}),
		l.add("agency-3", admin, t0, &agency.Registered{AgencyID: plA, State: pl, Name: "Policja", Kind: agency.KindPolice}),
		l.add(operation.Stream(opID), admin, t0, &operation.Proposed{OperationID: opID, Purpose: "border patrol", Lead: deA,
			Participants: []domain.AgencyID{deA, frA, plA}, HostStates: []domain.StateCode{de, fr}, Area: area,
			Period: dt.Must(domain.NewPeriod(dt.At(-2*time.Hour), periodEnd)), ArrangementVersion: 1}),
		l.add(operation.Stream(opID), admin, t0, &operation.ResourceCheckedIn{OperationID: opID, UnitID: deUnit, Agency: deA,
			Kind: operation.ResourceUnit, CallSign: "DE-1", Personnel: 2}),
		l.add(operation.Stream(opID), admin, t0, &operation.ResourceCheckedIn{OperationID: opID, UnitID: plUnit, Agency: plA,
			Kind: operation.ResourceUnit, CallSign: "PL-1", Personnel: 2}),
	}
}

// westOf returns the point at latitude lat in France that is metres from
// the border, found by bisection on the policy's own measure.
func westOf(t testing.TB, j *state.Jurisdiction, lat, metres float64) geo.Point {
	t.Helper()
	lo, hi := 5.5, 7.4 // lo is farther than any test distance, hi in Germany
	for range 100 {
		mid := (lo + hi) / 2
		loc, ok := j.Locate(pt(lat, mid))
		if !ok || loc.State != fr || loc.BorderDistance < metres {
			hi = mid
		} else {
			lo = mid
		}
	}
	return pt(lat, lo)
}

// jurisdiction indexes the two states of setUp.
func jurisdiction(t testing.TB) *state.Jurisdiction {
	var states []*state.State
	for _, e := range newLog().setUp(t) {
		switch p := e.Event.Payload.(type) {
		case *state.Registered:
			states = append(states, state.New(p.Code))
			states[len(states)-1].Replay(e.Event)
		case *state.LandBorderDeclared:
			for _, s := range states {
				if s.Code() == p.Code {
					s.Replay(e.Event)
				}
			}
		}
	}
	return state.NewJurisdiction(states...)
}

// fold applies envs to a new policy and returns it with every decision.
func fold(t testing.TB, envs []projections.Envelope) (*compliance.Policy, []compliance.Decision) {
	t.Helper()
	p := dt.Must(compliance.New(testConfig()))
	var out []compliance.Decision
	for _, e := range envs {
		out = append(out, p.Apply(e)...)
	}
	return p, out
}

// testConfig loads every time zone as Central European Time, which Paris
// keeps in March 2025: tests need no time zone database.
func testConfig() compliance.Config {
	return compliance.Config{Locations: func(string) (*time.Location, error) { return time.FixedZone("CET", 3600), nil }}
}

// rules lists the rule of each decision, "clear" for a clear.
func rules(ds []compliance.Decision) []string {
	out := []string{}
	for _, d := range ds {
		if d.Action == compliance.Clear {
			out = append(out, "clear")
			continue
		}
		out = append(out, string(d.Flag.Rule))
	}
	return out
}

func only(ds []compliance.Decision, rule flags.Rule) []compliance.Decision {
	var out []compliance.Decision
	for _, d := range ds {
		if d.Action == compliance.Raise && d.Flag.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}
