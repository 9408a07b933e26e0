package replayws_test

import (
	"bytes"
	"context"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/replayws"
	"github.com/jointops/jointops/projections"
)

// bulk appends n reports of the two units to the fixture's log fast (each
// unit's reports of a round in one append), five a second, and feeds them
// to the index: 70% GREEN positions, the rest observations under every
// marking the generator of a real operation would use.
func (f *fixture) bulk(n int) {
	f.t.Helper()
	ctx := context.Background()
	tlps := []marking.TLP{marking.TLPGreen, marking.TLPAmber, marking.TLPAmberStrict, marking.TLPClear}
	const round = 4000
	for done := 0; done < n; done += round {
		byStream := map[string][]eventstore.EventData{}
		var order []string
		for i := range min(round, n-done) {
			by := []domain.AgencyID{agA, agB}[i%2]
			f.reports++
			f.clock = f.clock.Add(200 * time.Millisecond)
			h := fieldlog.Header{ReportID: dt.Report(f.reports), OperationID: opID, UnitID: unitOf[by], Marking: mark(by, marking.TLPGreen)}
			var p fieldlog.Report
			if i%10 < 7 {
				p = &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(48+float64(i%100)/1000, 7.1)), Source: fieldlog.SourceGPS}}
			} else {
				h.Marking = mark(by, tlps[i%len(tlps)])
				p = &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "seen"}}
			}
			ev := domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: f.clock, RecordedAt: f.clock,
				Actor: domain.Actor{Agency: by, Unit: unitOf[by]}, Payload: p}
			data, err := f.codec.Encode(dt.UUID(5_000_000+f.reports), ev, eventlog.Envelope{CommandID: dt.UUID(9_000_000 + f.reports)})
			if err != nil {
				f.t.Fatal(err)
			}
			s := streamOf(p)
			if byStream[s] == nil {
				order = append(order, s)
			}
			byStream[s] = append(byStream[s], data)
		}
		for _, s := range order {
			if _, err := f.store.Append(ctx, s, eventstore.Any(), byStream[s]...); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	from := eventstore.After(dt.Must(eventstore.ParsePosition(f.envs[len(f.envs)-1].Position)))
	for {
		page, err := f.store.ReadAll(ctx, eventstore.Forwards, from, 8192)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, rec := range page {
			ev, _, err := f.codec.Decode(rec)
			if err != nil {
				f.t.Fatal(err)
			}
			env := projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}
			if err := f.history.Projection().Apply(ctx, env); err != nil {
				f.t.Fatal(err)
			}
			f.envs = append(f.envs, env)
			from = eventstore.After(rec.Position)
		}
		if len(page) < 8192 {
			return
		}
	}
}

// BenchmarkReplayStreaming measures a replay at max speed to one client
// over a real WebSocket on loopback, from the start of an operation of
// 20,000 events to its end, in the operation's events per second (not
// frames: B's replay gets no delta for A's AMBER+STRICT reports), per
// second of wall time and per second of CPU time (see report).
// "websocket" is the whole session: the frame at the start, the events
// read by stream from SQLite, folded, filtered for the agency, encoded,
// queued, written and read by the client (which decodes only the status
// messages). "bare_fold" is the same-run baseline: the same events read
// and folded (history.Events + Frame.Apply), nothing encoded or sent.
func BenchmarkReplayStreaming(b *testing.B) {
	f := newFixture(b).running()
	f.bulk(20_000)
	events := uint64(0)
	r := projections.NewRouter()
	for _, env := range f.envs {
		if op, ok := r.Route(env); ok && op == opID {
			events++
		}
	}
	b.Run("websocket", func(b *testing.B) {
		e := newEnv(b, f, replayws.Config{})
		url := e.url("as_agency=B&speed=max")
		b.ReportAllocs()
		start, cpu := time.Now(), cpuTime(b)
		for b.Loop() {
			c, _, err := boardws.Dial(b.Context(), nil, url, "token")
			if err != nil {
				b.Fatal(err)
			}
			if got := drain(b, c); got != events {
				b.Fatalf("replayed %d events, want %d", got, events)
			}
			c.Close()
		}
		report(b, events, start, cpu)
	})
	b.Run("bare_fold", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		start, cpu := time.Now(), cpuTime(b)
		for b.Loop() {
			fr, err := f.history.FrameAt(ctx, opID, eventstore.Start)
			if err != nil {
				b.Fatal(err)
			}
			err = f.history.Events(ctx, opID, eventstore.Start, eventstore.End, func(env projections.Envelope) error {
				fr.Apply(env)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if fr.Events() != events {
				b.Fatalf("folded %d events, want %d", fr.Events(), events)
			}
		}
		report(b, events, start, cpu)
	})
}

// report reports the events per second of wall time and per second of
// the process's CPU time (user and system, every goroutine: server and
// client): on a shared machine the first depends on the load, the second
// much less.
func report(b *testing.B, events uint64, start time.Time, cpu time.Duration) {
	n := float64(events) * float64(b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(n/(cpuTime(b)-cpu).Seconds(), "events/cpu-s")
}

// cpuTime is the CPU time the process used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// drain reads a replay until it ends and returns the events it played.
func drain(b *testing.B, c *websocket.Conn) uint64 {
	status := []byte(`{"type":"replay"`)
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.HasPrefix(data, status) {
			continue
		}
		var s replayws.Status
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
		if s.State == replayws.StateEnded {
			return s.Events
		}
	}
}
