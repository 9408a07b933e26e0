package board_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// load generates a busy operation's log: 200 units of three agencies,
// each reporting its position about every second (mostly under its
// agency's usual marking, one in ten AMBER+STRICT), with a few
// observations, tasks and resource changes in between — as decoded
// events, so benchmarks measure folding only. A report-heavy load
// (newReportLoad) has the mix of a server's heap profile instead.
type load struct {
	// positions is the percentage of position reports; the other reports
	// make up the rest up to 97 %, observations only unless mixed, when
	// they are observations, situation reports and border crossings in
	// turn.
	positions int
	mixed     bool
	units     []domain.UnitID
	owner     []domain.AgencyID
	markings  map[domain.AgencyID][2]marking.Marking // usual, strict
	points    []geo.Point
	n         uint64
	tasks     uint64
	revs      map[string]uint64
}

func newLoad(units int) *load {
	l := &load{positions: 94, markings: map[domain.AgencyID][2]marking.Marking{}, revs: map[string]uint64{}}
	for _, a := range ids(lead, partner, third) {
		l.markings[a] = [2]marking.Marking{mark(a, marking.TLPGreen, nil), mark(a, marking.TLPAmberStrict, nil)}
	}
	for i := range units {
		l.units = append(l.units, dt.Unit(uint64(1000+i)))
		l.owner = append(l.owner, ids(lead, partner, third)[i%3])
	}
	for i := range 64 {
		l.points = append(l.points, dt.Must(geo.NewPoint(48+float64(i)/1000, 7+float64(i)/1000)))
	}
	return l
}

// newReportLoad is a load with the mix of the server's heap profile: 75 %
// position reports, 22 % observations, situation reports and border
// crossings.
func newReportLoad(units int) *load {
	l := newLoad(units)
	l.positions, l.mixed = 75, true
	return l
}

// setUp returns the proposal, agreements, activation and check-ins.
func (l *load) setUp() []projections.Envelope {
	parts := ids(lead, partner, third)
	ps := []domain.Payload{&operation.Proposed{OperationID: opID, Purpose: "load", Lead: lead, Participants: parts, ArrangementVersion: 1,
		Area: area, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(1000*time.Hour)))}}
	for _, a := range parts {
		ps = append(ps, &operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: 1})
	}
	ps = append(ps, &operation.Activated{OperationID: opID})
	for i, u := range l.units {
		ps = append(ps, &operation.ResourceCheckedIn{OperationID: opID, UnitID: u, Agency: l.owner[i], Kind: operation.ResourceUnit, CallSign: u.String()[28:]})
	}
	out := make([]projections.Envelope, len(ps))
	for i, p := range ps {
		out[i] = l.envelope(operation.Stream(opID), p)
	}
	return out
}

func (l *load) envelope(stream string, p domain.Payload) projections.Envelope {
	l.n++
	at := dt.T0().Add(time.Duration(l.n) * 5 * time.Millisecond) // 200 events a second
	rev := l.revs[stream]
	l.revs[stream] = rev + 1
	return projections.Envelope{Position: fmt.Sprint(l.n), Stream: stream, Revision: rev,
		Event: domain.Event{Type: p.EventType(), SchemaVersion: 1, OccurredAt: at, RecordedAt: at, Payload: p}}
}

// next fills buf with the next events.
func (l *load) next(buf []projections.Envelope) {
	for i := range buf {
		k := l.n % 100
		u := int(l.n*7919) % len(l.units)
		unit, a := l.units[u], l.owner[u]
		stream := fieldlog.Stream(opID, unit)
		m := l.markings[a][0]
		if l.n%10 == 3 {
			m = l.markings[a][1]
		}
		h := fieldlog.Header{ReportID: dt.Report(1_000_000 + l.n), OperationID: opID, UnitID: unit, Marking: m}
		switch {
		case k < uint64(l.positions):
			buf[i] = l.envelope(stream, &fieldlog.PositionReported{Header: h,
				Position: fieldlog.Position{Point: l.points[l.n%64], Source: fieldlog.SourceGPS}})
		case k < 97:
			buf[i] = l.envelope(stream, l.report(h))
		case k == 97:
			l.tasks++
			id := dt.Task(l.tasks)
			buf[i] = l.envelope(task.Stream(id), &task.Issued{TaskID: id, OperationID: opID, UnitID: unit, IssuedBy: lead, Revision: 1,
				Terms: task.Terms{Objective: "check", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}})
		case k == 98:
			id := dt.Task(l.tasks)
			buf[i] = l.envelope(task.Stream(id), &task.Acknowledged{TaskID: id, UnitID: unit, Revision: 1})
		default:
			status := operation.StatusAvailable
			if l.n%200 == 99 {
				status = operation.StatusOutOfService
			}
			buf[i] = l.envelope(operation.Stream(opID), &operation.ResourceStatusChanged{OperationID: opID, UnitID: unit, Status: status, Reason: "r"})
		}
	}
}

// report is a report other than a position: an observation, or, in a
// mixed load, an observation, a situation report or a border crossing.
func (l *load) report(h fieldlog.Header) fieldlog.Report {
	if !l.mixed {
		return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "vehicle sighted"}}
	}
	switch l.n % 3 {
	case 0:
		return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "vehicle sighted", Point: &l.points[l.n%64]}}
	case 1:
		return &fieldlog.SituationReported{Header: h, Situation: fieldlog.Situation{Summary: "traffic heavy on the bridge, no sighting"}}
	}
	return &fieldlog.BorderCrossed{Header: h, BorderCrossing: fieldlog.BorderCrossing{
		From: dt.State("DE"), To: dt.State("FR"), Point: l.points[l.n%64], Mode: fieldlog.ModeLand}}
}

// setUpBoard returns a fresh board with the operation of l set up.
func setUpBoard(l *load) *board.Board {
	brd := dt.Must(board.New(opID, board.Config{}))
	for _, env := range l.setUp() {
		brd.Fold(env)
	}
	return brd
}

// inChunks generates events of l, len(buf) at a time, and hands each
// chunk to fold: a million events need not be held at once.
func inChunks(l *load, events int, buf []projections.Envelope, fold func([]projections.Envelope)) {
	for done := 0; done < events; done += len(buf) {
		n := min(len(buf), events-done)
		l.next(buf[:n])
		fold(buf[:n])
	}
}

// BenchmarkFold1M folds 1,000,000 events of a busy operation into a fresh
// board with Fold (the rebuild and time-travel path); the events are
// generated in chunks outside the timer. It reports ns and allocations
// per event.
func BenchmarkFold1M(b *testing.B) {
	const events, chunk = 1_000_000, 1 << 16
	buf := make([]projections.Envelope, chunk)
	var elapsed time.Duration
	var mallocs uint64
	var ms runtime.MemStats
	for range b.N {
		b.StopTimer()
		l := newLoad(200)
		brd := setUpBoard(l)
		inChunks(l, events, buf, func(evs []projections.Envelope) {
			runtime.ReadMemStats(&ms)
			before, start := ms.Mallocs, time.Now()
			b.StartTimer()
			for i := range evs {
				brd.Fold(evs[i])
			}
			b.StopTimer()
			elapsed += time.Since(start)
			runtime.ReadMemStats(&ms)
			mallocs += ms.Mallocs - before
		})
	}
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*events), "ns/event")
	b.ReportMetric(float64(mallocs)/float64(b.N*events), "allocs/event")
}

// BenchmarkApply is the live path: Apply each event, then compute the
// delta of each of three agencies, as a hub does before encoding.
func BenchmarkApply(b *testing.B) {
	const chunk = 1 << 14
	l := newLoad(200)
	brd := dt.Must(board.New(opID, board.Config{}))
	for _, env := range l.setUp() {
		brd.Apply(env)
	}
	buf := make([]projections.Envelope, chunk)
	viewers := []marking.Viewer{viewer(lead), viewer(partner), viewer(third)}
	b.ReportAllocs()
	i := chunk
	for b.Loop() {
		if i == chunk {
			b.StopTimer()
			l.next(buf)
			i = 0
			b.StartTimer()
		}
		d := brd.Apply(buf[i])
		for _, v := range viewers {
			d.For(v)
		}
		i++
	}
}

// BenchmarkViewFor builds one agency's snapshot of a board of 200 units
// that folded 10,000 observations (and about 310,000 positions): every
// window of the view is full.
func BenchmarkViewFor(b *testing.B) {
	l := newLoad(200)
	brd := dt.Must(board.New(opID, board.Config{}))
	for _, env := range l.setUp() {
		brd.Fold(env)
	}
	buf := make([]projections.Envelope, 1<<14)
	for reports := 0; reports < 10_000; {
		l.next(buf)
		for _, env := range buf {
			brd.Fold(env)
			if _, ok := env.Event.Payload.(*fieldlog.ObservationReported); ok {
				reports++
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		brd.View(viewer(partner))
	}
}
