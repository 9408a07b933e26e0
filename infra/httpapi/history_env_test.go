package httpapi

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

// fakeRecorder records history reads in memory, as
// commands.RecordHistoryAccess would in the log; fail makes it refuse.
type fakeRecorder struct {
	mu    sync.Mutex
	reads []HistoryRead
	who   []commands.Principal
	fail  error
}

func (f *fakeRecorder) RecordHistoryRead(_ context.Context, p commands.Principal, read HistoryRead) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.reads = append(f.reads, read)
	f.who = append(f.who, p)
	return nil
}

func (f *fakeRecorder) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reads)
}

// The agencies of the history tests: hA (DE) leads histOp with hB (FR)
// and hC (NL); hOut (FR) takes part in nothing.
var (
	histOp = uuid.MustParse("0f000000-0000-4000-8000-000000000001")
	hA     = uuid.MustParse("a1000000-0000-4000-8000-000000000001")
	hB     = uuid.MustParse("a1000000-0000-4000-8000-000000000002")
	hC     = uuid.MustParse("a1000000-0000-4000-8000-000000000003")
	hOut   = uuid.MustParse("a1000000-0000-4000-8000-000000000004")
	hUnitA = uuid.MustParse("2b000000-0000-4000-8000-000000000001")
	hUnitC = uuid.MustParse("2b000000-0000-4000-8000-000000000003")
)

// historyEnv is a server with the history reads over a real SQLite log.
type historyEnv struct {
	*env
	hist     *history.History
	recorder *fakeRecorder
	codec    *eventlog.Codec
	envs     []projections.Envelope // what was written, in log order
	clock    time.Time
}

// newHistoryEnv starts the server with a fake recorder; now is its clock
// (nil: fixed at t0).
func newHistoryEnv(t *testing.T, now func() time.Time) *historyEnv {
	t.Helper()
	return newHistoryEnvWith(t, now, nil)
}

// newHistoryEnvWith starts the server with the recorder recorder makes of
// the command handlers (nil: the fake).
func newHistoryEnvWith(t *testing.T, now func() time.Time, recorder func(*commands.Handlers) HistoryRecorder) *historyEnv {
	t.Helper()
	store, codec, h, _ := newCommandSide(t, now)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := history.New(history.Config{Reader: store, Decoder: codec, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rec := &fakeRecorder{}
	if now == nil {
		now = func() time.Time { return t0 }
	}
	var recorded HistoryRecorder = rec
	if recorder != nil {
		recorded = recorder(h)
	}
	handler, err := New(Config{
		Logger: slog.New(slog.DiscardHandler), TokenKey: key.Public().(ed25519.PublicKey), Commands: h, Now: now,
		History: hist, HistoryRecorder: recorded,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	e := &env{url: srv.URL, store: store, key: key, now: now, client: srv.Client(), log: &syncLog{}, cmds: h}
	return &historyEnv{env: e, hist: hist, recorder: rec, codec: codec, clock: t0.Add(-time.Hour)}
}

func hID[T any](t testing.TB, newID func(uuid.UUID) (T, error), u uuid.UUID) T {
	t.Helper()
	id, err := newID(u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// write appends payloads, one a second, by by's agency, and indexes them.
func (e *historyEnv) write(t *testing.T, by uuid.UUID, late time.Duration, ps ...domain.Payload) {
	t.Helper()
	ctx := context.Background()
	for _, p := range ps {
		e.clock = e.clock.Add(time.Second)
		ev := domain.Event{
			Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: e.clock.Add(-late), RecordedAt: e.clock, LateBy: late,
			Actor: domain.Actor{Agency: hID(t, domain.NewAgencyID, by)}, Payload: p,
		}
		data, err := e.codec.Encode(uuid.New(), ev, eventlog.Envelope{CommandID: uuid.New()})
		if err != nil {
			t.Fatal(err)
		}
		stream := historyStream(p)
		res, err := e.store.Append(ctx, stream, eventstore.Any(), data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.store.ReadStream(ctx, stream, eventstore.Forwards, res.NextExpectedRevision, 1)
		if err != nil {
			t.Fatal(err)
		}
		dec, _, err := e.codec.Decode(got[0])
		if err != nil {
			t.Fatal(err)
		}
		env := projections.Envelope{Position: got[0].Position.String(), Stream: stream, Revision: got[0].Revision, Event: dec}
		e.envs = append(e.envs, env)
		if err := e.hist.Projection().Apply(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
}

func historyStream(p domain.Payload) string {
	switch e := p.(type) {
	case *agency.Registered:
		return agency.Stream(e.AgencyID)
	case fieldlog.Report:
		return fieldlog.Stream(e.Head().OperationID, e.Head().UnitID)
	case *fieldlog.MarkingRelaxed:
		return fieldlog.Stream(e.OperationID, e.UnitID)
	}
	return operation.Stream(projections.PayloadOperation(p))
}

// last returns the position of the last event written.
func (e *historyEnv) last() string { return e.envs[len(e.envs)-1].Position }

// hMust returns v, panicking on err: for fixtures that cannot fail.
func hMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// hMark is a marking of originator with tlp, releasable to recipients.
func hMark(t testing.TB, originator uuid.UUID, tlp marking.TLP, recipients ...uuid.UUID) marking.Marking {
	t.Helper()
	var r marking.Recipients
	if len(recipients) > 0 {
		ids := make([]domain.AgencyID, len(recipients))
		for i, u := range recipients {
			ids[i] = hID(t, domain.NewAgencyID, u)
		}
		r = hMust(marking.NewRecipients(ids, nil))
	}
	eval := hMust(marking.ParseEvaluation("B2"))
	return hMust(marking.New(marking.Spec{Originator: hID(t, domain.NewAgencyID, originator), TLP: tlp, ReleasableTo: r, Evaluation: eval}))
}

// hPosition is a position report of unit by agency by.
func hPosition(t testing.TB, report uint64, by, unit uuid.UUID, m marking.Marking, lat, lon float64) *fieldlog.PositionReported {
	t.Helper()
	return &fieldlog.PositionReported{
		Header:   hHeader(t, report, unit, m),
		Position: fieldlog.Position{Point: hMust(geo.NewPoint(lat, lon)), Source: fieldlog.SourceGPS},
	}
}

func hHeader(t testing.TB, report uint64, unit uuid.UUID, m marking.Marking) fieldlog.Header {
	t.Helper()
	rid := uuid.MustParse("90000000-0000-4000-8000-000000000000")
	rid[15] = byte(report)
	return fieldlog.Header{ReportID: hID(t, domain.NewReportID, rid), OperationID: hID(t, domain.NewOperationID, histOp),
		UnitID: hID(t, domain.NewUnitID, unit), Marking: m}
}

// running writes: the four agencies registered, histOp proposed by hA with
// hB and hC, agreed and active, a unit of hA and of hC checked in.
func (e *historyEnv) running(t *testing.T) {
	t.Helper()
	states := map[uuid.UUID]string{hA: "DE", hB: "FR", hC: "NL", hOut: "FR"}
	for _, a := range []uuid.UUID{hA, hB, hC, hOut} {
		e.write(t, a, 0, &agency.Registered{AgencyID: hID(t, domain.NewAgencyID, a), State: hMust(domain.ParseStateCode(states[a])), Name: "Agency", Kind: agency.KindPolice})
	}
	op := hID(t, domain.NewOperationID, histOp)
	agencies := []domain.AgencyID{hID(t, domain.NewAgencyID, hA), hID(t, domain.NewAgencyID, hB), hID(t, domain.NewAgencyID, hC)}
	area := hMust(geo.NewPolygon(orb.Polygon{{{6, 47}, {8, 47}, {8, 49}, {6, 49}, {6, 47}}}))
	e.write(t, hA, 0, &operation.Proposed{
		OperationID: op, Purpose: "Joint patrol", Lead: agencies[0], Participants: agencies, Area: area,
		HostStates: []domain.StateCode{hMust(domain.ParseStateCode("DE"))},
		Period:     hMust(domain.NewPeriod(t0.Add(-2*time.Hour), t0.Add(72*time.Hour))), ArrangementVersion: 1,
	})
	for i, a := range agencies {
		e.write(t, []uuid.UUID{hA, hB, hC}[i], 0, &operation.Agreed{OperationID: op, Agency: a, ArrangementVersion: 1})
	}
	e.write(t, hA, 0, &operation.Activated{OperationID: op})
	e.write(t, hA, 0, &operation.ResourceCheckedIn{OperationID: op, UnitID: hID(t, domain.NewUnitID, hUnitA), Agency: agencies[0], Kind: operation.ResourceUnit, CallSign: "DE-1", Personnel: 2})
	e.write(t, hC, 0, &operation.ResourceCheckedIn{OperationID: op, UnitID: hID(t, domain.NewUnitID, hUnitC), Agency: agencies[2], Kind: operation.ResourceUnit, CallSign: "NL-1", Personnel: 2})
}
