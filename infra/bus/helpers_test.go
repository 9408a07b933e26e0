package bus_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// waitTimeout bounds every wait of these tests for something that should
// happen promptly.
const waitTimeout = 10 * time.Second

// testLogger writes warnings and errors to the test's output while the
// test runs. Watermill's universal tests leave some subscriptions open when
// a test ends, and their background goroutines may still log: writing to a
// finished test's output panics, so those lines are dropped instead.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{out: t.Output()}
	t.Cleanup(w.end)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct {
	mu    sync.Mutex
	out   io.Writer
	ended bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return len(p), nil
	}
	return w.out.Write(p)
}

func (w *testWriter) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// openStore opens a SQLite log in a file of the test's temp dir; it is
// closed when the test ends.
func openStore(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.db")
	return reopenStore(t, path), path
}

// reopenStore opens the SQLite log at path; it is closed when the test ends.
func reopenStore(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open store %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

// newPublisher returns a publisher on store, closed when the test ends.
func newPublisher(t testing.TB, store eventstore.Store) *bus.Publisher {
	t.Helper()
	p, err := bus.NewPublisher(store, bus.PublisherConfig{Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("new publisher: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// newSubscriber returns a subscriber on store, closed when the test ends.
func newSubscriber(t testing.TB, store eventstore.Store, cfg bus.SubscriberConfig) *bus.Subscriber {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s, err := bus.NewSubscriber(store, cfg)
	if err != nil {
		t.Fatalf("new subscriber: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// publish publishes one message per payload to topic, each in its own
// Publish call, and returns the messages.
func publish(t testing.TB, p message.Publisher, topic string, payloads ...string) []*message.Message {
	t.Helper()
	msgs := make([]*message.Message, len(payloads))
	for i, pl := range payloads {
		msgs[i] = message.NewMessage(newUUID(), []byte(pl))
		if err := p.Publish(topic, msgs[i]); err != nil {
			t.Fatalf("publish %q to %s: %v", pl, topic, err)
		}
	}
	return msgs
}

// receive waits for the next message of ch.
func receive(t testing.TB, ch <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, want a message")
		}
		return msg
	case <-time.After(waitTimeout):
		t.Fatal("no message within the timeout")
	}
	return nil
}

// receiveAck receives the next message and acks it.
func receiveAck(t testing.TB, ch <-chan *message.Message) *message.Message {
	t.Helper()
	msg := receive(t, ch)
	msg.Ack()
	return msg
}

// expectClosed waits for ch to close, acking whatever still arrives.
func expectClosed(t testing.TB, ch <-chan *message.Message) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return
			}
			msg.Nack()
		case <-deadline:
			t.Fatal("channel not closed within the timeout")
		}
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
