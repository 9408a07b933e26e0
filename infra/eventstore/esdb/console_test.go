package esdb_test

import (
	"bytes"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestClientLogsGoToSlogNotConsole runs the client through discovery,
// reads, a subscription and a failing connection with stdout, stderr and
// the standard logger captured: nothing may reach them, and the client's
// messages must arrive at the Config's slog.Logger. It swaps process-wide
// writers, so it does not run in parallel.
func TestClientLogsGoToSlogNotConsole(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	console := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		console <- b
	}()
	stdout, stderr, logOut := os.Stdout, os.Stderr, log.Writer()
	os.Stdout, os.Stderr = w, w
	log.SetOutput(w)
	restore := sync.OnceFunc(func() {
		os.Stdout, os.Stderr = stdout, stderr
		log.SetOutput(logOut)
		_ = w.Close()
	})
	t.Cleanup(restore)

	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := esdbtest.Start(t.Context(), esdbtest.Config{})
	if err != nil {
		restore()
		t.Fatal(err)
	}
	url := srv.URL()
	s, err := esdb.Open(t.Context(), esdb.Config{ConnectionString: url + "&keepAliveInterval=1000", Logger: logger})
	if err != nil {
		restore()
		t.Fatal(err)
	}
	_, appendErr := s.Append(t.Context(), "op", eventstore.NoStream(), event("x"))
	_, readErr := s.ReadStream(t.Context(), "missing", eventstore.Forwards, 0, 1)
	sub, subErr := s.SubscribeAll(t.Context(), eventstore.Start, eventstore.Filter{})
	if subErr == nil {
		_, _ = sub.Next(t.Context())
		_ = sub.Close()
	}
	_ = s.Close()
	_ = srv.Close()
	_, openErr := esdb.Open(t.Context(), esdb.Config{ConnectionString: url + "&maxDiscoverAttempts=1", Logger: logger})
	restore()
	out := <-console

	if appendErr != nil || subErr != nil || readErr == nil || openErr == nil {
		t.Fatalf("append %v, subscribe %v, read of a missing stream %v, open of a stopped server %v: want the first two nil", appendErr, subErr, readErr, openErr)
	}
	if len(out) > 0 {
		t.Errorf("the client wrote to the console:\n%s", out)
	}
	for _, want := range []string{"discovery attempt", "component=esdb-client", "keepAliveInterval below"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("slog output lacks %q:\n%s", want, logs.String())
		}
	}
}
