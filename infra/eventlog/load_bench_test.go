package eventlog_test

import (
	"path/filepath"
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
// structure traffic) on the SQLite store, reading it through the command
// handlers as a command would load it.
//
//   - cold: what the first command on the operation costs after a start:
//     fresh handlers (empty cache) with the snapshot file on disk holding a
//     snapshot of the operation, taken by the handlers of an earlier run;
//     the aggregate is restored from it and folds the events after it.
//   - cold-no-snapshot: the same without snapshots: the whole stream is
//     folded into a fresh aggregate.
//   - warm: a read through handlers whose cached aggregate needs only the
//     stream's (empty) tail, what every later command costs.
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

	// An earlier run loads the operation once, which takes its snapshot.
	snapshots := filepath.Join(e.dir, "snapshots.db")
	earlier, closeEarlier := benchHandlers(b, e, log, snapshots)
	if _, err := earlier.Operation(ctx, leadCommander, opID); err != nil {
		b.Fatal(err)
	}
	closeEarlier()

	cold := func(snapshots string) func(b *testing.B) {
		return func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				h, closeH := benchHandlers(b, e, log, snapshots)
				start := time.Now()
				v, err := h.Operation(ctx, leadCommander, opID)
				elapsed += time.Since(start)
				if err != nil || v.Version < total {
					b.Fatalf("read version %d: %v", v.Version, err)
				}
				closeH()
			}
			b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(b.N), "ms/load")
		}
	}
	b.Run("cold", cold(snapshots))
	b.Run("cold-no-snapshot", cold(""))
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

// benchHandlers starts fresh command handlers on e's log, as a new process
// would, with the snapshot file at path ("" for none), and returns them
// with the function that waits for their snapshot saves and closes the
// file.
func benchHandlers(b *testing.B, e *env, log *eventlog.Log, path string) (*commands.Handlers, func()) {
	b.Helper()
	cfg := commands.Config{Log: log, Outcomes: e.outcomes, Clock: func() time.Time { return now }}
	var snaps *eventlog.Snapshots
	if path != "" {
		var err error
		if snaps, err = eventlog.OpenSnapshots(b.Context(), eventlog.SnapshotsConfig{Path: path}); err != nil {
			b.Fatal(err)
		}
		cfg.Snapshots = snaps
	}
	h, err := commands.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return h, func() {
		if err := h.Close(b.Context()); err != nil {
			b.Fatal(err)
		}
		if snaps != nil {
			if err := snaps.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
