package esdbtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// testTimeout bounds every test's context.
const testTimeout = 20 * time.Second

// fixedNow is the server clock of the tests that check "created".
var fixedNow = time.Date(2025, 3, 14, 9, 26, 53, 589793200, time.UTC)

// start runs a server for the test and returns it with a connected real
// client; both are closed when the test ends.
func start(t *testing.T, cfg Config) (*Server, *esdb.Client) {
	t.Helper()
	srv, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, connect(t, srv.URL())
}

// connect returns a real client for the connection string.
func connect(t *testing.T, url string) *esdb.Client {
	t.Helper()
	conf, err := esdb.ParseConnectionString(url)
	if err != nil {
		t.Fatalf("ParseConnectionString(%q): %v", url, err)
	}
	conf.Logger = esdb.NoopLogging()
	client, err := esdb.NewClient(conf)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// rawStreams returns the generated gRPC client, for requests the real
// client cannot make.
func rawStreams(t *testing.T, srv *Server) api.StreamsClient {
	t.Helper()
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return api.NewStreamsClient(conn)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// jsonEvent returns a JSON event with a fresh ID.
func jsonEvent(eventType string, n int) esdb.EventData {
	return esdb.EventData{
		EventID:     uuid.New(),
		EventType:   eventType,
		ContentType: esdb.ContentTypeJson,
		Data:        fmt.Appendf(nil, `{"n":%d}`, n),
		Metadata:    fmt.Appendf(nil, `{"meta":%d}`, n),
	}
}

func events(eventType string, n int) []esdb.EventData {
	out := make([]esdb.EventData, n)
	for i := range out {
		out[i] = jsonEvent(eventType, i)
	}
	return out
}

func mustAppend(t *testing.T, c *esdb.Client, stream string, exp esdb.ExpectedRevision, evs ...esdb.EventData) *esdb.WriteResult {
	t.Helper()
	res, err := c.AppendToStream(testContext(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: exp}, evs...)
	if err != nil {
		t.Fatalf("append to %s: %v", stream, err)
	}
	return res
}

// collect drains a read.
func collect(rs *esdb.ReadStream) ([]*esdb.ResolvedEvent, error) {
	defer rs.Close()
	var out []*esdb.ResolvedEvent
	for {
		e, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func readStream(t *testing.T, c *esdb.Client, stream string, opts esdb.ReadStreamOptions, count uint64) []*esdb.ResolvedEvent {
	t.Helper()
	rs, err := c.ReadStream(testContext(t), stream, opts, count)
	if err != nil {
		t.Fatalf("ReadStream(%s): %v", stream, err)
	}
	evs, err := collect(rs)
	if err != nil {
		t.Fatalf("ReadStream(%s): %v", stream, err)
	}
	return evs
}

func readAll(t *testing.T, c *esdb.Client, opts esdb.ReadAllOptions, count uint64) []*esdb.ResolvedEvent {
	t.Helper()
	rs, err := c.ReadAll(testContext(t), opts, count)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	evs, err := collect(rs)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return evs
}

// userEvents drops the events of system streams.
func userEvents(evs []*esdb.ResolvedEvent) []*esdb.ResolvedEvent {
	var out []*esdb.ResolvedEvent
	for _, e := range evs {
		if !strings.HasPrefix(e.OriginalEvent().StreamID, "$") {
			out = append(out, e)
		}
	}
	return out
}

// less orders client positions as the server does.
func less(a, b esdb.Position) bool {
	return a.Commit < b.Commit || (a.Commit == b.Commit && a.Prepare < b.Prepare)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// subscriptionCount returns the number of subscriptions the server tracks.
func (s *Server) subscriptionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}
