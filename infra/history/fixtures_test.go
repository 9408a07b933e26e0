package history_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Agencies 1 (DE, lead), 2 (FR) and 3 (NL) take part in opID; 4 (FR)
// takes part in nothing. otherOp is led by 4 with 1.
var (
	opID    = dt.Operation(1)
	otherOp = dt.Operation(2)

	agA      = dt.Agency(1)
	agB      = dt.Agency(2)
	agC      = dt.Agency(3)
	outsider = dt.Agency(4)

	states = map[domain.AgencyID]domain.StateCode{
		agA: dt.State("DE"), agB: dt.State("FR"), agC: dt.State("NL"), outsider: dt.State("FR"),
	}
	participants = []domain.AgencyID{agA, agB, agC}
	everyone     = []domain.AgencyID{agA, agB, agC, outsider}
	unitOf       = map[domain.AgencyID]domain.UnitID{agA: dt.Unit(1), agB: dt.Unit(2), agC: dt.Unit(3), outsider: dt.Unit(4)}

	b2   = dt.Must(marking.ParseEvaluation("B2"))
	area = dt.Must(geo.NewPolygon(orb.Polygon{{{6, 47}, {8, 47}, {8, 49}, {6, 49}, {6, 47}}}))
)

// mark builds a marking of originator with tlp and optional recipients.
func mark(originator domain.AgencyID, tlp marking.TLP, recipients ...domain.AgencyID) marking.Marking {
	var r marking.Recipients
	if len(recipients) > 0 {
		r = dt.Must(marking.NewRecipients(recipients, nil))
	}
	return dt.Must(marking.New(marking.Spec{Originator: originator, TLP: tlp, ReleasableTo: r, Evaluation: b2}))
}

// markStates builds a RED marking of originator releasable to states.
func markStates(originator domain.AgencyID, codes ...domain.StateCode) marking.Marking {
	r := dt.Must(marking.NewRecipients(nil, codes))
	return dt.Must(marking.New(marking.Spec{Originator: originator, TLP: marking.TLPRed, ReleasableTo: r, Evaluation: b2}))
}

// event is a payload with its actor and clocks.
type event struct {
	p        domain.Payload
	by       domain.AgencyID
	occurred time.Time
	recorded time.Time
	lateBy   time.Duration
}

// fixture is a real SQLite log with the envelopes written to it, in log
// order, as a projection receives them.
type fixture struct {
	t     testing.TB
	store *sqlite.Store
	codec *eventlog.Codec
	envs  []projections.Envelope
	clock time.Time
	n     int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "events.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return &fixture{t: t, store: store, codec: dt.Must(eventlog.NewCodec()), clock: dt.T0()}
}

// add appends payloads, each recorded a second after the previous event,
// by the lead agency.
func (f *fixture) add(ps ...domain.Payload) *fixture {
	evs := make([]event, len(ps))
	for i, p := range ps {
		evs[i] = event{p: p, by: agA}
	}
	return f.addEvents(evs...)
}

// addEvents appends events one append each; zero times are the fixture's
// clock.
func (f *fixture) addEvents(evs ...event) *fixture {
	f.t.Helper()
	ctx := context.Background()
	for _, e := range evs {
		f.clock = f.clock.Add(time.Second)
		f.n++
		rec, occ := e.recorded, e.occurred
		if rec.IsZero() {
			rec = f.clock
		}
		if occ.IsZero() {
			occ = rec
		}
		ev := domain.Event{
			Type: e.p.EventType(), SchemaVersion: e.p.SchemaVersion(), OccurredAt: occ, RecordedAt: rec, LateBy: e.lateBy,
			Actor: domain.Actor{Agency: e.by, Unit: unitOf[e.by]}, Payload: e.p,
		}
		data, err := f.codec.Encode(dt.UUID(uint64(1_000_000+f.n)), ev, eventlog.Envelope{CommandID: dt.UUID(uint64(2_000_000 + f.n))})
		if err != nil {
			f.t.Fatal(err)
		}
		res, err := f.store.Append(ctx, streamOf(e.p), eventstore.Any(), data)
		if err != nil {
			f.t.Fatal(err)
		}
		got, err := f.store.ReadStream(ctx, streamOf(e.p), eventstore.Forwards, res.NextExpectedRevision, 1)
		if err != nil || len(got) != 1 {
			f.t.Fatalf("read back: %v", err)
		}
		dec, _, err := f.codec.Decode(got[0])
		if err != nil {
			f.t.Fatal(err)
		}
		f.envs = append(f.envs, projections.Envelope{Position: got[0].Position.String(), Stream: got[0].Stream, Revision: got[0].Revision, Event: dec})
	}
	return f
}

func streamOf(p domain.Payload) string {
	switch e := p.(type) {
	case *agency.Registered:
		return agency.Stream(e.AgencyID)
	case fieldlog.Report:
		return fieldlog.Stream(e.Head().OperationID, e.Head().UnitID)
	case *fieldlog.ReportRetracted:
		return fieldlog.Stream(e.OperationID, e.UnitID)
	case *fieldlog.MarkingRelaxed:
		return fieldlog.Stream(e.OperationID, e.UnitID)
	case *task.Issued:
		return task.Stream(e.TaskID)
	case *task.Acknowledged:
		return task.Stream(e.TaskID)
	}
	return operation.Stream(projections.PayloadOperation(p))
}

// running adds a log in which every agency but C registered, opID is
// active with A, B and C and a unit of each checked in, and otherOp is
// proposed by the outsider with A. C registers later (see registerC).
func (f *fixture) running() *fixture {
	for _, a := range []domain.AgencyID{agA, agB, outsider} {
		f.add(registered(a))
	}
	f.add(&operation.Proposed{
		OperationID: opID, Purpose: "Joint patrol", Lead: agA, Participants: participants,
		HostStates: []domain.StateCode{dt.State("DE"), dt.State("FR")}, Area: area,
		Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	for _, a := range participants {
		f.add(&operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: 1})
	}
	f.add(&operation.Activated{OperationID: opID})
	for _, a := range participants {
		f.add(&operation.ResourceCheckedIn{OperationID: opID, UnitID: unitOf[a], Agency: a, Kind: operation.ResourceUnit, CallSign: "U" + a.String()[:2], Personnel: 2})
	}
	f.add(&operation.Proposed{
		OperationID: otherOp, Purpose: "Other", Lead: outsider, Participants: []domain.AgencyID{outsider, agA}, Area: area,
		Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	return f
}

func registered(a domain.AgencyID) *agency.Registered {
	return &agency.Registered{AgencyID: a, State: states[a], Name: "Agency " + a.String()[:4], Kind: agency.KindPolice}
}

func header(op domain.OperationID, n uint64, by domain.AgencyID, m marking.Marking) fieldlog.Header {
	return fieldlog.Header{ReportID: dt.Report(n), OperationID: op, UnitID: unitOf[by], Marking: m}
}

func observed(n uint64, by domain.AgencyID, m marking.Marking, text string) *fieldlog.ObservationReported {
	return &fieldlog.ObservationReported{Header: header(opID, n, by, m), Observation: fieldlog.Observation{Text: text}}
}

func positioned(op domain.OperationID, n uint64, by domain.AgencyID, m marking.Marking, lat float64) *fieldlog.PositionReported {
	return &fieldlog.PositionReported{Header: header(op, n, by, m),
		Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(lat, 7.1)), Source: fieldlog.SourceGPS}}
}

// generate adds n random but plausible events: reports of every kind of
// marking, corrections, relaxations, retractions, tasks, resource changes,
// late reports, and events of another operation in between.
func (f *fixture) generate(seed uint64, n int) {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 7)), next: 1000 + uint64(len(f.envs))*10, reports: map[domain.AgencyID][]sent{}}
	evs := make([]event, 0, n)
	for range n {
		evs = append(evs, g.event(f.clock.Add(time.Duration(len(evs)+1)*time.Second)))
	}
	f.addEvents(evs...)
}

type generator struct {
	rng     *rand.Rand
	next    uint64
	reports map[domain.AgencyID][]sent
	tasks   uint64
	// units are each agency's units; one each (unitOf) when nil.
	units map[domain.AgencyID][]domain.UnitID
}

type sent struct {
	id      uint64
	unit    domain.UnitID
	marking marking.Marking
}

// unit picks a unit of agency by.
func (g *generator) unit(by domain.AgencyID) domain.UnitID {
	if us := g.units[by]; len(us) > 0 {
		return us[g.rng.IntN(len(us))]
	}
	return unitOf[by]
}

func (g *generator) event(now time.Time) event {
	by := participants[g.rng.IntN(len(participants))]
	mine := g.reports[by]
	e := event{by: by}
	switch k := g.rng.IntN(100); {
	case k < 40:
		e.p = g.report(by, func(h fieldlog.Header) fieldlog.Report {
			return &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{
				Point: dt.Must(geo.NewPoint(48+g.rng.Float64()/10, 7.1)), Source: fieldlog.SourceGPS}}
		})
		if g.rng.IntN(10) == 0 { // an offline unit, an hour late
			e.occurred, e.recorded, e.lateBy = now.Add(-time.Hour), now, time.Hour
		}
	case k < 60:
		e.p = g.report(by, func(h fieldlog.Header) fieldlog.Report {
			return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "seen"}}
		})
	case k < 66 && len(mine) > 0:
		old := mine[g.rng.IntN(len(mine))]
		e.p = g.report(by, func(h fieldlog.Header) fieldlog.Report {
			h.Corrects, h.UnitID = dt.Report(old.id), old.unit
			return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "correction"}}
		})
	case k < 74 && len(mine) > 0:
		i := g.rng.IntN(len(mine))
		to := mark(by, marking.TLPGreen)
		g.next++
		e.p = &fieldlog.MarkingRelaxed{ReportID: dt.Report(g.next), OperationID: opID, UnitID: mine[i].unit, Report: dt.Report(mine[i].id), From: mine[i].marking, To: to}
		mine[i].marking = to
	case k < 78 && len(mine) > 0:
		g.next++
		old := mine[g.rng.IntN(len(mine))]
		e.p = &fieldlog.ReportRetracted{ReportID: dt.Report(g.next), OperationID: opID, UnitID: old.unit,
			Retracts: dt.Report(old.id), Reason: "wrong"}
	case k < 82:
		g.tasks++
		e.p = &task.Issued{TaskID: dt.Task(g.tasks), OperationID: opID, UnitID: g.unit(by), IssuedBy: agA, Revision: 1,
			Terms: task.Terms{Objective: "check the bridge", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}}
	case k < 85 && g.tasks > 0:
		e.p = &task.Acknowledged{TaskID: dt.Task(1 + g.rng.Uint64N(g.tasks)), UnitID: g.unit(by), Revision: 1}
	case k < 90:
		status := []operation.ResourceStatus{operation.StatusAvailable, operation.StatusAssigned, operation.StatusOutOfService}[g.rng.IntN(3)]
		e.p = &operation.ResourceStatusChanged{OperationID: opID, UnitID: g.unit(by), Status: status, Reason: "shift"}
	default:
		g.next++
		e.by = outsider
		e.p = positioned(otherOp, g.next, outsider, mark(outsider, marking.TLPGreen), 49)
	}
	return e
}

func (g *generator) report(by domain.AgencyID, build func(fieldlog.Header) fieldlog.Report) domain.Payload {
	g.next++
	m := g.marking(by)
	h := header(opID, g.next, by, m)
	h.UnitID = g.unit(by)
	r := build(h)
	g.reports[by] = append(g.reports[by], sent{id: g.next, unit: r.Head().UnitID, marking: m})
	return r
}

func (g *generator) marking(by domain.AgencyID) marking.Marking {
	other := participants[g.rng.IntN(len(participants))]
	switch g.rng.IntN(7) {
	case 0:
		return mark(by, marking.TLPClear)
	case 1, 2:
		return mark(by, marking.TLPGreen)
	case 3:
		return mark(by, marking.TLPAmber, other)
	case 4:
		return mark(by, marking.TLPAmberStrict)
	case 5:
		return markStates(by, dt.State("NL"))
	default:
		return mark(by, marking.TLPRed, by, other)
	}
}

// newHistory returns a History over the fixture's store.
func (f *fixture) newHistory(cfg history.Config) *history.History {
	f.t.Helper()
	cfg.Reader, cfg.Decoder = f.store, f.codec
	h, err := history.New(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// apply feeds envs to the history index.
func apply(t testing.TB, h *history.History, envs []projections.Envelope) {
	t.Helper()
	p := h.Projection()
	for _, env := range envs {
		if err := p.Apply(context.Background(), env); err != nil {
			t.Fatal(err)
		}
	}
}

// reference folds, from the envelopes alone, op's board and the directory
// up to and including the first n envelopes.
func reference(t testing.TB, envs []projections.Envelope, op domain.OperationID, n int) (*board.Board, *projections.Directory) {
	t.Helper()
	b := dt.Must(board.New(op, board.Config{}))
	dir := projections.NewDirectory()
	r := projections.NewRouter()
	for _, env := range envs[:n] {
		dir.Apply(env.Event.Payload)
		if got, ok := r.Route(env); ok && got == op {
			b.Fold(env)
		}
	}
	return b, dir
}

func position(env projections.Envelope) eventstore.Cursor {
	return eventstore.After(dt.Must(eventstore.ParsePosition(env.Position)))
}
