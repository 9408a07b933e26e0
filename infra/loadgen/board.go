package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventstore"
)

// board is one live board: a WebSocket client of the board protocol that
// reconnects as the protocol says (at once after a slow-consumer cut, with
// backoff otherwise, resuming after the last position it received) and
// keeps what the ledger needs to check it.
type board struct {
	spec boardSpec
	url  string // ws(s)://…/board/live
	// start is the run's clock: arrival times are durations since it.
	start time.Time
	log   *slog.Logger

	connected  atomic.Bool
	snapshots  atomic.Int64
	deltas     atomic.Int64
	bytes      atomic.Int64
	deltaBytes atomic.Int64
	slowCuts   atomic.Int64
	otherCuts  atomic.Int64
	dialErrors atomic.Int64
	ready      chan struct{} // closed at the first snapshot
	readyOnce  sync.Once

	mu sync.Mutex
	// last is the position of the last snapshot or delta received;
	// lastText its text, to resume after.
	last     eventstore.Position
	lastText string
	hasLast  bool
	// cursor: the ledger has checked this board up to here.
	cursor eventstore.Position
	// covered are the spans a later snapshot covered (a resume that got a
	// fresh snapshot instead of the missed deltas).
	covered []span
	// recv are the deltas received and not yet checked, in order.
	recv []arrival
	dups int64
}

// span is the positions (from, to].
type span struct{ from, to eventstore.Position }

// arrival is a delta received: its position and when.
type arrival struct {
	pos eventstore.Position
	at  time.Duration
}

// deltaPrefix is how the server starts every delta; a message that does
// not start so is decoded in full.
var deltaPrefix = []byte(`{"type":"delta","position":"`)

// run keeps the board connected until ctx ends.
func (b *board) run(ctx context.Context, dialer *websocket.Dialer) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		target := b.url
		if after := b.resumeAfter(); after != "" {
			target += "?after=" + url.QueryEscape(after)
		}
		conn, res, err := boardws.Dial(ctx, dialer, target, b.spec.token)
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.dialErrors.Add(1)
			b.log.Debug("board dial failed", "err", err)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		b.connected.Store(true)
		err = b.read(ctx, conn)
		b.connected.Store(false)
		if ctx.Err() != nil {
			return
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code == boardws.CloseSlowConsumer {
			b.slowCuts.Add(1)
			continue // at once, as the protocol says
		}
		b.otherCuts.Add(1)
		b.log.Debug("board disconnected", "err", err)
		if !sleep(ctx, backoff) {
			return
		}
	}
}

// read reads conn until it fails or ctx ends; then it closes conn.
func (b *board) read(ctx context.Context, conn *websocket.Conn) error {
	stop := context.AfterFunc(ctx, func() {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "load generator done")
		_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		_ = conn.Close()
	})
	defer func() {
		if stop() {
			_ = conn.Close()
		}
	}()
	// One buffer for every message: the boards share the CPU with the
	// server.
	var buf bytes.Buffer
	for {
		typ, rd, err := conn.NextReader()
		if err != nil {
			return err
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return err
		}
		if typ != websocket.TextMessage {
			continue
		}
		b.bytes.Add(int64(buf.Len()))
		b.message(buf.Bytes(), time.Since(b.start))
	}
}

// message takes one message of the server, received at.
func (b *board) message(data []byte, at time.Duration) {
	var typ, pos string
	if bytes.HasPrefix(data, deltaPrefix) {
		rest := data[len(deltaPrefix):]
		if end := bytes.IndexByte(rest, '"'); end > 0 {
			typ, pos = boardws.TypeDelta, string(rest[:end])
		}
	}
	if typ == "" {
		var m struct {
			Type     string `json:"type"`
			Position string `json:"position"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			b.log.Warn("board message undecodable", "err", err)
			return
		}
		typ, pos = m.Type, m.Position
	}
	if typ != boardws.TypeDelta && typ != boardws.TypeSnapshot {
		return
	}
	p, err := eventstore.ParsePosition(pos)
	if err != nil {
		b.log.Warn("board message without a position", "type", typ, "err", err)
		return
	}
	if typ == boardws.TypeDelta {
		b.deltas.Add(1)
		b.deltaBytes.Add(int64(len(data)))
		b.delta(p, pos, at)
		return
	}
	b.snapshots.Add(1)
	b.snapshot(p, pos)
}

func (b *board) delta(p eventstore.Position, text string, at time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hasLast && p.Compare(b.last) <= 0 {
		b.dups++
		return
	}
	b.recv = append(b.recv, arrival{pos: p, at: at})
	b.last, b.lastText, b.hasLast = p, text, true
}

func (b *board) snapshot(p eventstore.Position, text string) {
	b.mu.Lock()
	switch {
	case !b.hasLast:
		b.cursor = p
		b.last, b.lastText, b.hasLast = p, text, true
	case b.last.Less(p):
		b.covered = append(b.covered, span{from: b.last, to: p})
		b.last, b.lastText = p, text
	}
	b.mu.Unlock()
	b.readyOnce.Do(func() { close(b.ready) })
}

// resumeAfter is the position to reconnect after; empty before the first
// snapshot.
func (b *board) resumeAfter() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastText
}

// covers reports whether a later snapshot covered p. Call with b.mu held.
func (b *board) covers(p eventstore.Position) bool {
	for _, s := range b.covered {
		if s.from.Less(p) && p.Compare(s.to) <= 0 {
			return true
		}
	}
	return false
}

// duplicates returns the duplicates seen so far.
func (b *board) duplicates() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dups
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
