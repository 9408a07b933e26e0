package evidence_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
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
	"github.com/jointops/jointops/infra/evidence"
	"github.com/jointops/jointops/infra/integrity"
)

// The world of the tests: agencies A (DE, lead) and B (NL) run operation
// op; C (FR) takes no part. A's unit ua and B's unit ub report.
var (
	op, other      = dt.Operation(1), dt.Operation(99)
	agA, agB, agC  = dt.Agency(1), dt.Agency(2), dt.Agency(3)
	ua, ub         = dt.Unit(1), dt.Unit(2)
	rGreen         = dt.Report(201) // GREEN by A: everyone
	rStrict        = dt.Report(202) // AMBER+STRICT by A: A only
	rH1            = dt.Report(203) // GREEN H1 by A, no permission
	rH1Permitted   = dt.Report(204) // GREEN H1 by A, permitted
	rRelaxed       = dt.Report(205) // AMBER+STRICT by A, relaxed to GREEN
	rRetractStrict = dt.Report(206) // retracts rStrict
	rPerm          = dt.Report(207) // the judicial permission of rH1Permitted
	rRelax         = dt.Report(208) // the relaxation of rRelaxed
	rFromB         = dt.Report(209) // GREEN by B
	rCorrectStrict = dt.Report(210) // GREEN by A, correcting rStrict
)

// quiet is the logger of the tests: their output is for failures.
var quiet = slog.New(slog.DiscardHandler)

// world is a log written through the codec, as the command side writes it.
type world struct {
	t     testing.TB
	store eventstore.Store
	codec *eventlog.Codec
	key   ed25519.PrivateKey
	clock time.Time
}

func newWorld(t testing.TB) *world {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "events.db"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, store: s, codec: codec, key: key, clock: dt.T0()}
}

func (w *world) put(stream string, p domain.Payload) {
	w.t.Helper()
	w.clock = w.clock.Add(time.Second)
	data, err := w.codec.Encode(uuid.New(), domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(),
		OccurredAt: w.clock, RecordedAt: w.clock, Actor: domain.Actor{Agency: agA}, Payload: p}, eventlog.Envelope{})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.Append(w.t.Context(), stream, eventstore.Any(), data); err != nil {
		w.t.Fatal(err)
	}
}

// putRaw appends an event the codec may not know (yet).
func (w *world) putRaw(stream, typ string, data string) {
	w.t.Helper()
	_, err := w.store.Append(w.t.Context(), stream, eventstore.Any(), eventstore.EventData{
		ID: uuid.New(), Type: typ, SchemaVersion: 1, Data: []byte(data), Metadata: []byte(`{}`)})
	if err != nil {
		w.t.Fatal(err)
	}
}

func mark(t testing.TB, by domain.AgencyID, tlp marking.TLP, h ...marking.HandlingCode) marking.Marking {
	t.Helper()
	return dt.Must(marking.New(marking.Spec{Originator: by, TLP: tlp, Handling: h, Evaluation: dt.Must(marking.ParseEvaluation("B2"))}))
}

func observation(t testing.TB, id domain.ReportID, unit domain.UnitID, m marking.Marking, corrects domain.ReportID) *fieldlog.ObservationReported {
	return &fieldlog.ObservationReported{
		Header:      fieldlog.Header{ReportID: id, OperationID: op, UnitID: unit, Marking: m, Corrects: corrects},
		Observation: fieldlog.Observation{Text: "seen " + id.String()},
	}
}

// seed writes the world; positions reports of ua make a track of 3.
func (w *world) seed() {
	t := w.t
	for _, a := range []struct {
		id    domain.AgencyID
		state string
	}{{agA, "DE"}, {agB, "NL"}, {agC, "FR"}} {
		w.put("agency-"+a.id.String(), &agency.Registered{AgencyID: a.id, State: dt.State(a.state), Name: "agency " + a.state, Kind: agency.KindPolice})
	}
	period := dt.Must(domain.NewPeriod(dt.T0(), dt.At(24*time.Hour)))
	area := dt.Must(geo.NewPolygon(orb.Polygon{{{6, 50}, {7, 50}, {7, 51}, {6, 51}, {6, 50}}}))
	w.put(operation.Stream(op), &operation.Proposed{OperationID: op, Purpose: "test", Lead: agA, Participants: []domain.AgencyID{agB}, Area: area, Period: period})
	w.put(operation.Stream(other), &operation.Proposed{OperationID: other, Purpose: "other", Lead: agC, Area: area, Period: period})
	la, lb := fieldlog.Stream(op, ua), fieldlog.Stream(op, ub)
	green, strict := mark(t, agA, marking.TLPGreen), mark(t, agA, marking.TLPAmberStrict)
	w.put(la, observation(t, rGreen, ua, green, domain.ReportID{}))
	w.put(la, observation(t, rStrict, ua, strict, domain.ReportID{}))
	w.put(la, observation(t, rH1, ua, mark(t, agA, marking.TLPGreen, marking.H1), domain.ReportID{}))
	w.put(la, observation(t, rH1Permitted, ua, mark(t, agA, marking.TLPGreen, marking.H1), domain.ReportID{}))
	w.putRaw(la, evidence.JudicialUsePermittedType, fmt.Sprintf(`{"report_id":%q,"operation_id":%q,"unit_id":%q,"report":%q,"case_reference":"CR-1"}`, rPerm, op, ua, rH1Permitted))
	w.put(la, observation(t, rRelaxed, ua, strict, domain.ReportID{}))
	w.put(la, &fieldlog.MarkingRelaxed{ReportID: rRelax, OperationID: op, UnitID: ua, Report: rRelaxed, From: strict, To: green})
	w.put(la, &fieldlog.ReportRetracted{ReportID: rRetractStrict, OperationID: op, UnitID: ua, Retracts: rStrict, Reason: "wrong"})
	w.put(la, observation(t, rCorrectStrict, ua, green, rStrict))
	w.put(lb, observation(t, rFromB, ub, mark(t, agB, marking.TLPGreen), domain.ReportID{}))
	for i := range 3 {
		w.put(la, &fieldlog.PositionReported{
			Header:   fieldlog.Header{ReportID: dt.Report(300 + uint64(i)), OperationID: op, UnitID: ua, Marking: green},
			Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(50+float64(i)/100, 6)), Source: fieldlog.SourceGPS},
		})
	}
	w.put(task.Stream(dt.Task(401)), &task.Issued{TaskID: dt.Task(401), OperationID: op, UnitID: ub, IssuedBy: agA, Terms: task.Terms{Objective: "watch", Window: period}})
	w.put(task.Stream(dt.Task(402)), &task.Issued{TaskID: dt.Task(402), OperationID: other, UnitID: ub, IssuedBy: agC, Terms: task.Terms{Objective: "watch", Window: period}})
	w.put(task.Stream(dt.Task(401)), &task.Acknowledged{TaskID: dt.Task(401), UnitID: ub})
	w.putRaw(evidence.AuditStreamPrefix+op.String(), "jointops.audit.history_accessed", `{"purpose":"case 1"}`)
}

// recorder is a faithful stand-in for the command side's
// RecordHistoryAccess: it refuses a missing purpose and keeps the rest.
type recorder struct {
	mu       sync.Mutex
	accesses []evidence.Access
	err      error
}

func (r *recorder) RecordExport(_ context.Context, a evidence.Access) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if a.Purpose == "" {
		return fmt.Errorf("purpose: required")
	}
	r.accesses = append(r.accesses, a)
	return nil
}

func (w *world) exporter(rec evidence.AccessRecorder) *evidence.Exporter {
	w.t.Helper()
	x, err := evidence.New(evidence.Config{Reader: w.store, Decoder: w.codec, Key: w.key, Recorder: rec,
		Now: func() time.Time { return dt.At(time.Hour) }, Logger: quiet})
	if err != nil {
		w.t.Fatal(err)
	}
	return x
}

func (w *world) export(req evidence.Request) evidence.Summary {
	w.t.Helper()
	if req.Dir == "" {
		req.Dir = filepath.Join(w.t.TempDir(), "bundle")
	}
	if req.Purpose == "" {
		req.Purpose = "case 42"
	}
	if req.Operation.IsZero() {
		req.Operation = op
	}
	s, err := w.exporter(&recorder{}).Export(w.t.Context(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *world) pub() ed25519.PublicKey { return w.key.Public().(ed25519.PublicKey) }

func (w *world) checkpoint() {
	w.t.Helper()
	c, err := integrity.New(integrity.Config{Store: w.store, Key: w.key, Logger: quiet})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := c.Checkpoint(w.t.Context()); err != nil {
		w.t.Fatal(err)
	}
}
