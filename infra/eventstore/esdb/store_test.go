package esdb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	client "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
)

func event(label string) eventstore.EventData {
	return eventstore.EventData{
		ID:            uuid.New(),
		Type:          "jointops.test." + label,
		SchemaVersion: 1,
		Data:          []byte(fmt.Sprintf(`{"label":%q}`, label)),
		Metadata:      []byte(`{"actor":"test"}`),
	}
}

func events(label string, n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = event(fmt.Sprintf("%s-%d", label, i))
	}
	return out
}

// rawClient is a plain client of srv, for writing what the adapter would
// not and for looking at what it wrote.
func rawClient(t *testing.T, url string) *client.Client {
	t.Helper()
	conf, err := client.ParseConnectionString(url)
	if err != nil {
		t.Fatal(err)
	}
	conf.Logger = client.NoopLogging()
	c, err := client.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func verifyOK(t *testing.T, s eventstore.Reader, wantEvents uint64) {
	t.Helper()
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() || rep.Events != wantEvents {
		t.Fatalf("Verify: broken %v, %d events; want OK with %d", rep.Broken, rep.Events, wantEvents)
	}
}

// TestAppendRaceBetweenStores has two Stores, two clients, append to one
// stream at once: the condition each derives from the tail it read makes
// the loser re-read, so every event lands and the chain stays intact.
func TestAppendRaceBetweenStores(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	stores := []*esdb.Store{
		openStore(t, esdb.Config{ConnectionString: srv.URL(), AppendAttempts: 1000}),
		openStore(t, esdb.Config{ConnectionString: srv.URL(), AppendAttempts: 1000}),
	}
	const perWriter, writers = 25, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for i := range perWriter {
				expected := eventstore.Any()
				if i > 0 {
					expected = eventstore.StreamExists()
				}
				if _, err := s.Append(t.Context(), "contended", expected, event(fmt.Sprintf("w%d-%d", w, i))); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Append: %v", err)
	}
	got, err := stores[0].ReadStream(t.Context(), "contended", eventstore.Forwards, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers*perWriter {
		t.Fatalf("stream has %d events, want %d", len(got), writers*perWriter)
	}
	verifyOK(t, stores[1], writers*perWriter)
}

// TestExactConflictBetweenStores: under Exact, losing the race for the tail
// is the caller's conflict, with the state that won.
func TestExactConflictBetweenStores(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	a := openStore(t, esdb.Config{ConnectionString: srv.URL()})
	b := openStore(t, esdb.Config{ConnectionString: srv.URL()})
	first, err := a.Append(t.Context(), "op", eventstore.NoStream(), events("seed", 2)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(t.Context(), "op", eventstore.Exact(first.NextExpectedRevision), event("b")); err != nil {
		t.Fatal(err)
	}
	_, err = a.Append(t.Context(), "op", eventstore.Exact(first.NextExpectedRevision), event("a"))
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) {
		t.Fatalf("Append with a stale Exact = %v, want a WrongExpectedRevisionError", err)
	}
	want := eventstore.WrongExpectedRevisionError{Stream: "op", Expected: eventstore.Exact(1), Actual: eventstore.StreamState{Exists: true, Revision: 2}}
	if *wrong != want {
		t.Errorf("conflict = %+v, want %+v", *wrong, want)
	}
}

// TestAppendResultIsLastEventPosition: the result of a multi-event append
// is the last event's position, also where the events of one append share
// a commit position, so After(result) starts past the append.
func TestAppendResultIsLastEventPosition(t *testing.T) {
	t.Parallel()
	for _, implicit := range []bool{false, true} {
		t.Run(fmt.Sprintf("implicit=%v", implicit), func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, esdbtest.Config{ImplicitCommits: implicit})
			s := openStore(t, esdb.Config{ConnectionString: srv.URL()})
			res, err := s.Append(t.Context(), "batch", eventstore.NoStream(), events("e", 3)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ReadStream(t.Context(), "batch", eventstore.Forwards, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if res.Position != got[2].Position || res.NextExpectedRevision != 2 {
				t.Errorf("result %+v, want revision 2 at the last event's position %s", res, got[2].Position)
			}
			after, err := s.ReadAll(t.Context(), eventstore.Forwards, eventstore.After(res.Position), 10)
			if err != nil || len(after) != 0 {
				t.Errorf("ReadAll after the result = %d events, %v; want none", len(after), err)
			}
		})
	}
}

// TestForeignEventsAndNamespaces: events other writers put on the server,
// and the logs of other namespaces, are not part of a Store's log.
func TestForeignEventsAndNamespaces(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	raw := rawClient(t, srv.URL())
	if _, err := raw.AppendToStream(t.Context(), "orders-1", client.AppendToStreamOptions{},
		client.EventData{EventID: uuid.New(), EventType: "OrderPlaced", ContentType: client.ContentTypeJson, Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	plain := openStore(t, esdb.Config{ConnectionString: srv.URL()})
	tenantA := openStore(t, esdb.Config{ConnectionString: srv.URL(), Namespace: "tenant-a"})
	tenantB := openStore(t, esdb.Config{ConnectionString: srv.URL(), Namespace: "tenant-b"})
	for _, s := range []*esdb.Store{plain, tenantA, tenantB} {
		if _, err := s.Append(t.Context(), "op-1", eventstore.NoStream(), event("x")); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	sub, err := tenantA.SubscribeAll(t.Context(), eventstore.Start, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	for name, s := range map[string]*esdb.Store{"plain": plain, "tenant-a": tenantA, "tenant-b": tenantB} {
		all, err := s.ReadAll(t.Context(), eventstore.Forwards, eventstore.Start, 100)
		if err != nil {
			t.Fatalf("%s: ReadAll: %v", name, err)
		}
		if len(all) != 1 || all[0].Stream != "op-1" {
			t.Errorf("%s: ReadAll = %d events (first %+v), want its own op-1 event only", name, len(all), all)
		}
		verifyOK(t, s, 1)
	}
	_, err = plain.ReadStream(t.Context(), "orders-1", eventstore.Forwards, 0, 10)
	if !errors.Is(err, eventstore.ErrIncompatibleStore) {
		t.Errorf("ReadStream of another writer's stream = %v, want ErrIncompatibleStore", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	e, err := sub.Next(ctx)
	if err != nil || e.Stream != "op-1" {
		t.Fatalf("namespaced subscription: %+v, %v; want tenant-a's op-1", e, err)
	}
	short, cancelShort := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancelShort()
	if e, err := sub.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("namespaced subscription delivered %+v, %v; want nothing more", e, err)
	}
}

// TestTranslateClientErrors feeds errors of the real client, as the test
// server provokes them, through the adapter's error mapping.
func TestTranslateClientErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	s := openStore(t, esdb.Config{ConnectionString: srv.URL()})
	if _, err := s.Append(t.Context(), "op", eventstore.NoStream(), events("e", 2)...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		call   func(context.Context) error
		check  func(error) bool
		wanted string
	}{
		{
			name: "wrong expected revision carries expected and actual",
			call: func(ctx context.Context) error {
				_, err := s.Append(ctx, "op", eventstore.Exact(7), event("late"))
				return err
			},
			check: func(err error) bool {
				var w *eventstore.WrongExpectedRevisionError
				return errors.As(err, &w) && w.Expected == eventstore.Exact(7) && w.Actual == eventstore.StreamState{Exists: true, Revision: 1}
			},
			wanted: "WrongExpectedRevisionError{op, 7, actual 1}",
		},
		{
			name: "stream not found on the first Recv",
			call: func(ctx context.Context) error {
				_, err := s.ReadStream(ctx, "never-written", eventstore.Backwards, eventstore.StreamEnd, 1)
				return err
			},
			check: func(err error) bool {
				var nf *eventstore.StreamNotFoundError
				return errors.As(err, &nf) && nf.Stream == "never-written" && errors.Is(err, eventstore.ErrStreamNotFound)
			},
			wanted: "StreamNotFoundError{never-written}",
		},
		{
			name: "cancelled context",
			call: func(ctx context.Context) error {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				_, err := s.ReadStream(ctx, "op", eventstore.Forwards, 0, 1)
				return err
			},
			check:  func(err error) bool { return errors.Is(err, context.Canceled) },
			wanted: "context.Canceled",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(t.Context()); !tc.check(err) {
				t.Errorf("error = %v, want %s", err, tc.wanted)
			}
		})
	}
}

// TestOpenUnreachable: a server that cannot be reached fails Open with
// ErrUnavailable, within the caller's deadline even though the client's
// discovery ignores contexts.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	url := srv.URL()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	t.Run("discovery gives up", func(t *testing.T) {
		_, err := esdb.Open(t.Context(), esdb.Config{ConnectionString: url + "&maxDiscoverAttempts=1", Logger: discard()})
		if !errors.Is(err, eventstore.ErrUnavailable) {
			t.Errorf("Open = %v, want ErrUnavailable", err)
		}
	})
	t.Run("deadline honoured", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := esdb.Open(ctx, esdb.Config{ConnectionString: url + "&maxDiscoverAttempts=1000&discoveryInterval=100", Logger: discard()})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Open = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Open took %s with a 200ms deadline", d)
		}
	})
}

// TestRetryBeyondWindow: a retry older than the idempotency window cannot
// get its first result back, but is not stored twice either when this
// Store remembers the IDs.
func TestRetryBeyondWindow(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	s := openStore(t, esdb.Config{ConnectionString: srv.URL(), IdempotencyWindow: 2})
	old := event("old")
	if _, err := s.Append(t.Context(), "op", eventstore.NoStream(), old); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := s.Append(t.Context(), "op", eventstore.Any(), event(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Append(t.Context(), "op", eventstore.Any(), old); !errors.Is(err, eventstore.ErrDuplicateEventID) {
		t.Errorf("retry beyond the window = %v, want ErrDuplicateEventID", err)
	}
	got, err := s.ReadStream(t.Context(), "op", eventstore.Forwards, 0, 100)
	if err != nil || len(got) != 5 {
		t.Errorf("stream has %d events, %v; want 5", len(got), err)
	}
}
