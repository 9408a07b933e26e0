package evidence_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/evidence"
)

// benchEvents is the size of the benchmarked operation.
const benchEvents = 100_000

// seedLarge writes the small world of the tests and then n field reports
// of op spread over 20 units: three position reports to one observation,
// markings alternating GREEN and AMBER+STRICT, appended in batches as a
// busy command side would.
func (w *world) seedLarge(n int) {
	w.seed()
	const units, batch = 20, 500
	green, strict := mark(w.t, agA, marking.TLPGreen), mark(w.t, agA, marking.TLPAmberStrict)
	pending := map[string][]eventstore.EventData{}
	flush := func(stream string) {
		if _, err := w.store.Append(w.t.Context(), stream, eventstore.Any(), pending[stream]...); err != nil {
			w.t.Fatal(err)
		}
		pending[stream] = pending[stream][:0]
	}
	for i := range n {
		unit := dt.Unit(1000 + uint64(i%units))
		stream := fieldlog.Stream(op, unit)
		id := dt.Must(domain.NewReportID(uuid.New()))
		m := green
		if i%2 == 1 {
			m = strict
		}
		var p domain.Payload = &fieldlog.PositionReported{
			Header:   fieldlog.Header{ReportID: id, OperationID: op, UnitID: unit, Marking: m},
			Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(50+float64(i%1000)/1e4, 6+float64(i%997)/1e4)), Source: fieldlog.SourceGPS},
		}
		if i%4 == 3 {
			p = observation(w.t, id, unit, m, domain.ReportID{})
		}
		w.clock = w.clock.Add(time.Second)
		e, err := w.codec.Encode(uuid.New(), domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(),
			OccurredAt: w.clock, RecordedAt: w.clock, Actor: domain.Actor{Agency: agA, Unit: unit}, Payload: p}, eventlog.Envelope{})
		if err != nil {
			w.t.Fatal(err)
		}
		pending[stream] = append(pending[stream], e)
		if len(pending[stream]) == batch {
			flush(stream)
		}
	}
	for s, evs := range pending {
		if len(evs) > 0 {
			flush(s)
		}
	}
}

// BenchmarkExportVerify exports an operation of 100,000 events and
// verifies the bundle; the baseline reads the same log with bare ReadAll
// pages, in the same run.
func BenchmarkExportVerify(b *testing.B) {
	w := newWorld(b)
	w.seedLarge(benchEvents)
	total := benchEvents + 17 // the operation's events of seed()

	b.Run("baseline=ReadAll", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			n := 0
			from := eventstore.Start
			for {
				page, err := w.store.ReadAll(b.Context(), eventstore.Forwards, from, 4096)
				if err != nil {
					b.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				n += len(page)
				from = eventstore.After(page[len(page)-1].Position)
			}
			if n < total {
				b.Fatalf("read %d events", n)
			}
		}
		report(b, total, cpu)
	})
	for _, scope := range []struct {
		name string
		as   domain.AgencyID
	}{{"full", domain.AgencyID{}}, {"as_agency", agB}} {
		x := w.exporter(&recorder{})
		export := func(b *testing.B, dir string) {
			if _, err := x.Export(b.Context(), evidence.Request{Operation: op, AsAgency: scope.as, Purpose: "bench", Dir: dir}); err != nil {
				b.Fatal(err)
			}
		}
		verify := func(b *testing.B, dir string) {
			rep, err := evidence.VerifyBundle(dir, w.pub())
			if err != nil || !rep.OK() || rep.Links != total {
				b.Fatalf("verify: %+v, %v", rep, err)
			}
		}
		b.Run("export+verify/"+scope.name, func(b *testing.B) {
			cpu := cpuTime()
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(b.TempDir(), fmt.Sprint("bundle", i))
				export(b, dir)
				verify(b, dir)
				b.StopTimer()
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			report(b, total, cpu)
		})
		b.Run("export/"+scope.name, func(b *testing.B) {
			cpu := cpuTime()
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(b.TempDir(), fmt.Sprint("bundle", i))
				export(b, dir)
				b.StopTimer()
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			report(b, total, cpu)
		})
		b.Run("verify/"+scope.name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "bundle")
			export(b, dir)
			cpu := cpuTime()
			for b.Loop() {
				verify(b, dir)
			}
			report(b, total, cpu)
		})
	}
}

// report adds events/s (wall) and CPU ms per op (user+system of the whole
// process since cpu, background goroutines included).
func report(b *testing.B, events int, cpu time.Duration) {
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}
