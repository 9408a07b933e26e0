package projector_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

// world generates the log of busy joint operations, encoded with the
// eventlog codec as the command handlers store it: per operation three
// agencies, units checked in, then field traffic — mostly position
// reports, under the reporting agency's usual marking or (one in ten)
// AMBER+STRICT, with observations, tasks issued and acknowledged and
// resource status changes in between.
type world struct {
	codec    *eventlog.Codec
	ops      []domain.OperationID
	agencies []domain.AgencyID
	units    [][]domain.UnitID // per operation
	markings map[domain.AgencyID][2]marking.Marking
	points   []geo.Point
	area     geo.Polygon
	n        uint64 // events generated
	tasks    []domain.TaskID
	ids      uint64
	batches  uint64 // batches of traffic generated
}

// batch is one append: events of one stream.
type batch struct {
	stream string
	events []eventstore.EventData
}

func newWorld(tb testing.TB, ops, unitsPerOp int) *world {
	tb.Helper()
	codec, err := eventlog.NewCodec()
	if err != nil {
		tb.Fatal(err)
	}
	w := &world{
		codec:    codec,
		agencies: []domain.AgencyID{dt.Agency(1), dt.Agency(2), dt.Agency(3)},
		markings: map[domain.AgencyID][2]marking.Marking{},
		area:     dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {7.2, 48}, {7.2, 48.2}, {7, 48}}})),
	}
	eval := dt.Must(marking.ParseEvaluation("B2"))
	for _, a := range w.agencies {
		usual := dt.Must(marking.New(marking.Spec{Originator: a, TLP: marking.TLPGreen, Evaluation: eval}))
		strict := dt.Must(marking.New(marking.Spec{Originator: a, TLP: marking.TLPAmberStrict, Evaluation: eval}))
		w.markings[a] = [2]marking.Marking{usual, strict}
	}
	for i := range 64 {
		w.points = append(w.points, dt.Must(geo.NewPoint(48+float64(i)/1000, 7+float64(i)/1000)))
	}
	for o := range ops {
		w.ops = append(w.ops, dt.Operation(uint64(100+o)))
		var units []domain.UnitID
		for u := range unitsPerOp {
			units = append(units, dt.Unit(uint64(10_000+o*1000+u)))
		}
		w.units = append(w.units, units)
	}
	return w
}

// owner is the agency of the u-th unit of an operation.
func (w *world) owner(u int) domain.AgencyID { return w.agencies[u%len(w.agencies)] }

// event encodes payload p as decided by agency a (and unit u, if any).
func (w *world) event(tb testing.TB, op domain.OperationID, a domain.AgencyID, u domain.UnitID, p domain.Payload) eventstore.EventData {
	w.n++
	w.ids++
	at := dt.T0().Add(time.Duration(w.n) * 5 * time.Millisecond)
	ev := domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: at, RecordedAt: at,
		Actor: domain.Actor{Agency: a, Unit: u}, Payload: p}
	data, err := w.codec.Encode(dt.UUID(1<<40+w.ids), ev, eventlog.Envelope{
		CommandID: dt.UUID(2<<40 + w.ids), CorrelationID: dt.UUID(3<<40 + w.ids), Operation: op,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// setUp returns each operation's planning: proposed, agreed by every
// agency, activated, and every unit checked in.
func (w *world) setUp(tb testing.TB) []batch {
	var out []batch
	for o, op := range w.ops {
		lead := w.agencies[0]
		ps := []domain.Payload{&operation.Proposed{OperationID: op, Purpose: "joint patrol", Lead: lead, Participants: w.agencies,
			ArrangementVersion: 1, Area: w.area, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(1000*time.Hour)))}}
		for _, a := range w.agencies {
			ps = append(ps, &operation.Agreed{OperationID: op, Agency: a, ArrangementVersion: 1})
		}
		ps = append(ps, &operation.Activated{OperationID: op})
		for u, unit := range w.units[o] {
			ps = append(ps, &operation.ResourceCheckedIn{OperationID: op, UnitID: unit, Agency: w.owner(u),
				Kind: operation.ResourceUnit, CallSign: fmt.Sprintf("U%d", u)})
		}
		b := batch{stream: operation.Stream(op)}
		for _, p := range ps {
			b.events = append(b.events, w.event(tb, op, lead, domain.UnitID{}, p))
		}
		out = append(out, b)
	}
	return out
}

// traffic returns about n events of field traffic in batches of up to
// per events of one stream: a unit's reports, or one task or resource
// event in between.
func (w *world) traffic(tb testing.TB, n, per int) []batch {
	var out []batch
	for made := 0; made < n; {
		o := int(w.n/7) % len(w.ops)
		op := w.ops[o]
		w.batches++
		u := int(w.batches*7919) % len(w.units[o]) // every unit, in turn
		unit, a := w.units[o][u], w.owner(u)
		switch k := w.n % 50; {
		case k == 47:
			id := dt.Task(uint64(len(w.tasks) + 1))
			w.tasks = append(w.tasks, id)
			out = append(out, batch{stream: task.Stream(id), events: []eventstore.EventData{w.event(tb, op, w.agencies[0], domain.UnitID{},
				&task.Issued{TaskID: id, OperationID: op, UnitID: unit, IssuedBy: w.agencies[0], Revision: 1,
					Terms: task.Terms{Objective: "check the crossing", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}})}})
			made++
		case k == 48 && len(w.tasks) > 0:
			id := w.tasks[len(w.tasks)-1]
			out = append(out, batch{stream: task.Stream(id), events: []eventstore.EventData{w.event(tb, op, a, unit,
				&task.Acknowledged{TaskID: id, UnitID: unit, Revision: 1})}})
			made++
		case k == 49:
			status := operation.StatusAvailable
			if w.n%200 == 49 {
				status = operation.StatusOutOfService
			}
			out = append(out, batch{stream: operation.Stream(op), events: []eventstore.EventData{w.event(tb, op, w.agencies[0], domain.UnitID{},
				&operation.ResourceStatusChanged{OperationID: op, UnitID: unit, Status: status, Reason: "shift change"})}})
			made++
		default:
			b := batch{stream: fieldlog.Stream(op, unit)}
			for i := 0; i < per && made < n; i++ {
				b.events = append(b.events, w.report(tb, op, unit, a))
				made++
			}
			out = append(out, b)
		}
	}
	return out
}

// report is the next field report of unit: mostly a position, sometimes
// an observation.
func (w *world) report(tb testing.TB, op domain.OperationID, unit domain.UnitID, a domain.AgencyID) eventstore.EventData {
	m := w.markings[a][0]
	if w.n%10 == 3 {
		m = w.markings[a][1]
	}
	h := fieldlog.Header{ReportID: dt.Report(1_000_000 + w.n), OperationID: op, UnitID: unit, Marking: m}
	var p domain.Payload = &fieldlog.PositionReported{Header: h,
		Position: fieldlog.Position{Point: w.points[w.n%uint64(len(w.points))], Source: fieldlog.SourceGPS}}
	if w.n%33 == 5 {
		p = &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "vehicle sighted heading north"}}
	}
	return w.event(tb, op, a, unit, p)
}

// appendBatches appends the batches with a few writers at once (the store
// commits concurrent appends together), keeping each stream's order.
func appendBatches(tb testing.TB, store eventstore.Store, batches []batch) {
	tb.Helper()
	const writers = 8
	lanes := make([][]batch, writers)
	lane := map[string]int{}
	for _, b := range batches {
		l, ok := lane[b.stream]
		if !ok {
			l = len(lane) % writers
			lane[b.stream] = l
		}
		lanes[l] = append(lanes[l], b)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for _, bs := range lanes {
		wg.Go(func() {
			for _, b := range bs {
				if _, err := store.Append(context.Background(), b.stream, eventstore.Any(), b.events...); err != nil {
					errs <- fmt.Errorf("append %d events to %s: %w", len(b.events), b.stream, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// rawEvent is an event of a type no build knows, for skip tests.
func rawEvent(typ string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: typ, SchemaVersion: 1, Data: []byte(`{}`)}
}
