package esdb

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
)

// TestRebuildAfterFailedDiscovery stops the server under an open Store:
// the client's discovery fails and stops it for good, the Store rebuilds
// it, and once a server listens again the Store works without reopening.
func TestRebuildAfterFailedDiscovery(t *testing.T) {
	t.Parallel()
	srv, err := esdbtest.Start(t.Context(), esdbtest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	s, err := Open(t.Context(), Config{
		ConnectionString: srv.URL() + "&maxDiscoverAttempts=1&discoveryInterval=1",
		Logger:           slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	generation := func() uint64 {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.conn.gen
	}
	// The first subscription (or append) after the server went away fails
	// on the connection and sends the client into discovery — reads do not:
	// they return the gRPC error as is and leave reconnecting to gRPC, and
	// an append reads the stream first. A later call runs that discovery,
	// which fails: the client is dead and must be rebuilt.
	for i := 0; i < 10 && generation() == 0; i++ {
		_, err := s.SubscribeAll(t.Context(), eventstore.Start, eventstore.Filter{})
		if !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("SubscribeAll with the server down = %v, want ErrUnavailable", err)
		}
	}
	if generation() == 0 {
		t.Fatal("the client was never rebuilt after its discovery failed")
	}

	srv2, err := esdbtest.Start(t.Context(), esdbtest.Config{Addr: addr})
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	defer srv2.Close()
	e := eventstore.EventData{ID: uuid.New(), Type: "t", SchemaVersion: 1, Data: []byte("x")}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.Append(t.Context(), "after-outage", eventstore.NoStream(), e)
		if err == nil {
			break
		}
		if !errors.Is(err, eventstore.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("Append after the server came back: %v", err)
		}
	}
	got, err := s.ReadStream(t.Context(), "after-outage", eventstore.Forwards, 0, 10)
	if err != nil || len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("ReadStream after the outage = %v, %v; want the appended event", got, err)
	}
}
