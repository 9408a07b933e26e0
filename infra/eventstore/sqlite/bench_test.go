package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// benchBatch is the transaction size of the raw insert baseline: about
// what group commit gathers from 64 concurrent writers.
const benchBatch = 64

// benchPayload is a ~400-byte JSON field report, the typical event.
var benchPayload = []byte(`{"operation":"op-2026-017","unit":"unit-042","agency":"DE-BPOL",` +
	`"position":{"lat":47.5596,"lon":7.5886,"accuracy_m":12.5},"heading":184,"speed_kmh":32.4,` +
	`"status":"en route","task":"task-7781","note":"Vehicle checkpoint B3 reached; no incidents; ` +
	`proceeding to rendezvous with CH-FEDPOL unit 17 at the customs yard","marking":"RESTRICTED ` +
	`REL DE CH FR","observed_at":"2026-03-01T12:00:00.123Z"}`)

var benchMetadata = []byte(`{"actor":"unit-042","command_id":"0192f0c4-7d1e-7c3a-9b1e-3f5d2a6c8e10"}`)

func benchEvent() eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: "jointops.unit.position_reported", SchemaVersion: 1, Data: benchPayload, Metadata: benchMetadata}
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	return openTest(b, testConfig(b))
}

// fill appends n events in appends of 100 over 50 streams.
func fill(b *testing.B, s *Store, n int) {
	b.Helper()
	for i := 0; i < n; i += 100 {
		evs := make([]eventstore.EventData, min(100, n-i))
		for j := range evs {
			evs[j] = benchEvent()
		}
		mustAppend(b, s, fmt.Sprintf("unit-%02d", (i/100)%50), eventstore.Any(), evs...)
	}
}

// percentile returns the p-th percentile (0–100) of sorted durations in µs.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(float64(len(sorted))*p/100), len(sorted)-1)
	return float64(sorted[i].Nanoseconds()) / 1e3
}

func BenchmarkAppendConcurrent64(b *testing.B) {
	const writers = 64
	s := benchStore(b)
	evs := make([]eventstore.EventData, b.N)
	for i := range evs {
		evs[i] = benchEvent()
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("unit-%02d", w)
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if _, err := s.Append(context.Background(), stream, eventstore.Any(), evs[i]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	st := s.Stats()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(st.Events)/float64(max(st.Commits, 1)), "events/commit")
}

// BenchmarkRawBatchedInsert is the ceiling for appends: the same rows, the
// same schema and pragmas, inserted by one prepared statement in
// transactions of benchBatch rows, with the same background checkpoints,
// without any of the store's own work.
func BenchmarkRawBatchedInsert(b *testing.B) {
	s := benchStore(b)
	path := s.cfg.Path
	cfg := s.cfg
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?"+writerDSN(cfg))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ins, err := conn.PrepareContext(ctx, insertSQL)
	if err != nil {
		b.Fatal(err)
	}
	defer ins.Close()
	cdb, err := sql.Open("sqlite", path+"?"+checkpointDSN(cfg))
	if err != nil {
		b.Fatal(err)
	}
	defer cdb.Close()
	ckpt := newCheckpointer(cdb, quiet)
	go ckpt.run(ctx)
	defer ckpt.stop()
	ids := make([]uuid.UUID, b.N)
	for i := range ids {
		ids[i] = uuid.New()
	}
	var hash [32]byte
	streams := make([]string, 64)
	for i := range streams {
		streams[i] = fmt.Sprintf("unit-%02d", i)
	}
	now := time.Now().UnixNano()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i += benchBatch {
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			b.Fatal(err)
		}
		for j := i; j < min(i+benchBatch, b.N); j++ {
			if _, err := ins.ExecContext(ctx, int64(j+1), streams[j%64], int64(j/64), ids[j][:],
				"jointops.unit.position_reported", int64(1), benchPayload, benchMetadata, now, hash[:]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			b.Fatal(err)
		}
		if (i/benchBatch+1)%(cfg.CheckpointEvents/benchBatch) == 0 {
			ckpt.signal()
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func BenchmarkAppendSingleWriter(b *testing.B) {
	s := benchStore(b)
	evs := make([]eventstore.EventData, b.N)
	for i := range evs {
		evs[i] = benchEvent()
	}
	lat := make([]time.Duration, b.N)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if _, err := s.Append(ctx, "unit-01", eventstore.Any(), evs[i]); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(percentile(lat, 50), "p50-µs")
	b.ReportMetric(percentile(lat, 99), "p99-µs")
}

// readFixture is the log size the read benchmarks scan.
const readFixture = 20_000

func BenchmarkReadAll(b *testing.B) {
	s := benchStore(b)
	fill(b, s, readFixture)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	total := 0
	for range b.N {
		from := eventstore.Start
		for {
			page, err := s.ReadAll(ctx, eventstore.Forwards, from, 4096)
			if err != nil {
				b.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			total += len(page)
			from = eventstore.After(page[len(page)-1].Position)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if total != b.N*readFixture {
		b.Fatalf("read %d events, want %d", total, b.N*readFixture)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
}

// BenchmarkRawSelect is the ceiling for ReadAll: the same columns of the
// same file through database/sql, scanned into RawBytes and dropped.
func BenchmarkRawSelect(b *testing.B) {
	s := benchStore(b)
	fill(b, s, readFixture)
	ctx := context.Background()
	st, err := s.rdb.PrepareContext(ctx, `SELECT `+eventColumns+` FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var (
		seq, rev, schema, rec int64
		stream, typ           string
		id, data, meta, hash  sql.RawBytes
	)
	b.ResetTimer()
	start := time.Now()
	total := 0
	for range b.N {
		rows, err := st.QueryContext(ctx, 1, readFixture)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			if err := rows.Scan(&seq, &stream, &rev, &id, &typ, &schema, &data, &meta, &rec, &hash); err != nil {
				b.Fatal(err)
			}
			total++
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
}

// BenchmarkSubscribeLatency times each event from its commit to its
// delivery to a live subscriber.
func BenchmarkSubscribeLatency(b *testing.B) {
	s := benchStore(b)
	committed := make([]time.Time, b.N+1)
	s.onCommit = func(last uint64) {
		if last < uint64(len(committed)) {
			committed[last] = time.Now()
		}
	}
	ctx := context.Background()
	sub, err := s.SubscribeAll(ctx, eventstore.End, eventstore.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	lat := make([]time.Duration, 0, b.N)
	done := make(chan error, 1)
	b.ResetTimer()
	go func() {
		for range b.N {
			e, err := sub.Next(ctx)
			if err != nil {
				done <- err
				return
			}
			// The writer stamped the commit before publishing the event.
			lat = append(lat, time.Since(committed[e.Position.Commit]))
		}
		done <- nil
	}()
	for range b.N {
		if _, err := s.Append(ctx, "unit-01", eventstore.Any(), benchEvent()); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(percentile(lat, 50), "p50-µs")
	b.ReportMetric(percentile(lat, 99), "p99-µs")
}

func BenchmarkVerify(b *testing.B) {
	s := benchStore(b)
	fill(b, s, readFixture)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		rep, err := eventstore.Verify(ctx, s)
		if err != nil || !rep.OK() || rep.Events != readFixture {
			b.Fatalf("Verify: %+v, %v", rep.Broken, err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N*readFixture)/elapsed.Seconds(), "events/s")
}
