package eventlog_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/eventlog"
)

// BenchmarkLoadOperation100k loads an operation stream of 100,000 events
// (a resource going out of service and back, the busiest kind of command-
// structure traffic) on the SQLite store. cold: folded from the start into a
// fresh aggregate, what the first command on an operation costs after a
// start; warm: a read through the handlers, whose cached aggregate needs
// only the stream's (empty) tail, what every later command costs.
func BenchmarkLoadOperation100k(b *testing.B) {
	const total = 100_000
	e := newEnv(b)
	defer e.close()
	ctx := b.Context()
	codec, err := eventlog.NewCodec()
	if err != nil {
		b.Fatal(err)
	}
	log := eventlog.NewLog(e.store, codec)
	e.activeOperation(b)
	checkIn(b, e, partnerCmdr, 7, partner)

	stream := operation.Stream(opID)
	o := operation.New(opID)
	if _, err := log.Load(ctx, stream, 0, o.Replay); err != nil {
		b.Fatal(err)
	}
	m := dt.MetaAt(b, partnerCmdr.Actor(), now, now)
	for out := true; o.Version() < total; {
		for range 1000 {
			if out {
				err = o.MarkResourceOutOfService(m, dt.Unit(7), "flat tyre")
			} else {
				err = o.MarkResourceAvailable(m, dt.Unit(7))
			}
			if err != nil {
				b.Fatal(err)
			}
			out = !out
		}
		if _, err := log.Append(ctx, stream, o.Version(), commands.Envelope{CommandID: commands.CommandID(uuid.New())}, o.Changes()); err != nil {
			b.Fatal(err)
		}
		o.Commit()
	}

	b.Run("cold", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			fresh := operation.New(opID)
			v, err := log.Load(ctx, stream, 0, fresh.Replay)
			if err != nil || v < total {
				b.Fatalf("loaded %d events: %v", v, err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/load")
	})
	b.Run("warm", func(b *testing.B) {
		if _, err := e.h.Operation(ctx, leadCommander, opID); err != nil { // the one cold load
			b.Fatal(err)
		}
		start := time.Now()
		for b.Loop() {
			v, err := e.h.Operation(ctx, leadCommander, opID)
			if err != nil || v.Version < total {
				b.Fatalf("read version %d: %v", v.Version, err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/load")
	})
}
