package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// AppendBaseline is the bare store's append rate: single-event appends to
// a fresh SQLite store with the server's durability, from as many
// goroutines as the run had senders, each to its own stream.
type AppendBaseline struct {
	Workers    int     `json:"workers"`
	EventBytes int     `json:"event_bytes"`
	Appends    int64   `json:"appends"`
	PerSec     float64 `json:"per_sec"`
	Latency    Latency `json:"latency"`
}

// appendBaseline appends for d and measures.
func appendBaseline(ctx context.Context, dir string, workers, eventBytes int, d time.Duration) (AppendBaseline, error) {
	tmp, err := os.MkdirTemp(dir, "jointops-loadgen-baseline-")
	if err != nil {
		return AppendBaseline{}, fmt.Errorf("append baseline: %w", err)
	}
	defer os.RemoveAll(tmp)
	store, err := sqlite.Open(ctx, sqlite.Config{Path: tmp + "/events.db", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return AppendBaseline{}, fmt.Errorf("append baseline: %w", err)
	}
	defer store.Close()
	data := fmt.Appendf(nil, `{"text":%q}`, strings.Repeat("x", max(eventBytes-11, 1)))
	meta := []byte(`{"command_id":"` + uuid.NewString() + `","correlation_id":"` + uuid.NewString() +
		`","operation":"` + uuid.NewString() + `","actor":{"agency":"` + uuid.NewString() + `","subject":"` + uuid.NewString() + `","role":"field_unit"}}`)
	h := newHistogram()
	var n atomic.Int64
	var failed atomic.Pointer[error]
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		stream := "loadgen-baseline-" + strconv.Itoa(w)
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				ev := eventstore.EventData{ID: uuid.New(), Type: "jointops.loadgen.baseline", SchemaVersion: 1, Data: data, Metadata: meta}
				if _, err := store.Append(ctx, stream, eventstore.Any(), ev); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				h.record(time.Since(t))
				n.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failed.Load(); err != nil {
		return AppendBaseline{}, fmt.Errorf("append baseline: %w", *err)
	}
	return AppendBaseline{Workers: workers, EventBytes: len(data) + len(meta), Appends: n.Load(),
		PerSec: float64(n.Load()) / elapsed.Seconds(), Latency: h.summary()}, nil
}

// BroadcastBaseline is a bare gorilla broadcast: one in-process server on
// loopback sending each prepared message to one group of clients (as many
// groups as the run had operations: the same fan-out), one writer
// goroutine per connection, at the rate and size the boards saw.
type BroadcastBaseline struct {
	Clients      int     `json:"clients"`
	Groups       int     `json:"groups"`
	MessageBytes int     `json:"message_bytes"`
	Rate         float64 `json:"messages_per_sec"`
	Deliveries   int64   `json:"deliveries"`
	// Dropped: messages not queued because a client's queue was full.
	Dropped int64   `json:"dropped"`
	PerSec  float64 `json:"deliveries_per_sec"`
	Latency Latency `json:"latency"`
}

// broadcastBaseline runs the bare broadcast for d: rate messages per
// second in all, message i to the clients of group i%groups.
func broadcastBaseline(ctx context.Context, clients, groups, msgBytes int, rate float64, d time.Duration) (BroadcastBaseline, error) {
	out := BroadcastBaseline{Clients: clients, Groups: groups, MessageBytes: msgBytes, Rate: rate}
	if clients == 0 || groups < 1 || rate <= 0 {
		return out, nil
	}
	var (
		mu    sync.Mutex
		conns []chan *websocket.PreparedMessage
		wg    sync.WaitGroup
	)
	upgrader := websocket.Upgrader{ReadBufferSize: 256, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		q := make(chan *websocket.PreparedMessage, 256)
		mu.Lock()
		conns = append(conns, q)
		mu.Unlock()
		wg.Go(func() {
			defer c.Close()
			for m := range q {
				_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if c.WritePreparedMessage(m) != nil {
					return
				}
			}
		})
	}))
	defer srv.Close()
	var closeOnce sync.Once
	closeQueues := func() {
		closeOnce.Do(func() {
			mu.Lock()
			for _, q := range conns {
				close(q)
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	defer closeQueues()

	h := newHistogram()
	var delivered atomic.Int64
	start := time.Now()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	var readers sync.WaitGroup
	var dialed []*websocket.Conn
	defer func() {
		for _, c := range dialed {
			c.Close()
		}
		readers.Wait()
	}()
	for range clients {
		c, res, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		if err != nil {
			return out, fmt.Errorf("broadcast baseline: dial: %w", err)
		}
		dialed = append(dialed, c)
		readers.Go(func() {
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				// The message starts with its sending time in ns since start.
				end := bytes.IndexByte(data, ' ')
				if sent, err := strconv.ParseInt(string(data[:max(end, 0)]), 10, 64); err == nil {
					h.record(time.Since(start) - time.Duration(sent))
					delivered.Add(1)
				}
			}
		})
	}
	upgraded := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
	if err := waitFor(ctx, 30*time.Second, func() bool { return upgraded() == clients }); err != nil {
		return out, fmt.Errorf("broadcast baseline: %d of %d clients connected: %w", upgraded(), clients, err)
	}
	pad := strings.Repeat("x", max(msgBytes-24, 1))
	begin := time.Now()
	var want, dropped int64
	for i := 0; ; i++ {
		at := begin.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		if at.Sub(begin) >= d || !sleep(ctx, time.Until(at)) {
			break
		}
		msg := strconv.FormatInt(int64(time.Since(start)), 10) + " " + pad
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(msg))
		if err != nil {
			return out, fmt.Errorf("broadcast baseline: %w", err)
		}
		mu.Lock()
		for k := i % groups; k < len(conns); k += groups {
			select {
			case conns[k] <- pm:
				want++
			default:
				dropped++ // a slow client: the boards would cut it
			}
		}
		mu.Unlock()
	}
	sent := time.Since(begin)
	_ = waitFor(ctx, 5*time.Second, func() bool { return delivered.Load() >= want })
	out.Dropped = dropped
	closeQueues()
	out.Deliveries = delivered.Load()
	out.PerSec = float64(out.Deliveries) / sent.Seconds()
	out.Latency = h.summary()
	return out, nil
}

// errTimeout: a condition did not hold in time.
var errTimeout = errors.New("timed out")

// waitFor polls cond until it holds, ctx ends or limit passes.
func waitFor(ctx context.Context, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return errTimeout
		}
		if !sleep(ctx, 20*time.Millisecond) {
			return ctx.Err()
		}
	}
	return nil
}
