package httpapi

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// boardEnv is the whole API with the boards: the command path of env, the
// boards projection fed from the log by a goroutine in log order (as the
// projection runner feeds it), and the live hub.
type boardEnv struct {
	*env
	boards *boards.Boards
	hub    *boardws.Hub
	codec  *eventlog.Codec
}

// boardEnvOptions adjust a boardEnv.
type boardEnvOptions struct {
	envOptions
	hub    boardws.Config
	boards boards.Config
}

func newBoardEnv(tb testing.TB, o boardEnvOptions) *boardEnv {
	tb.Helper()
	quiet := slog.New(slog.DiscardHandler)
	store, codec, h, now := newCommandSide(tb, o.now)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	if o.boards.Logger == nil {
		o.boards.Logger = quiet
	}
	b, err := boards.New(o.boards)
	if err != nil {
		tb.Fatal(err)
	}
	feedCtx, stopFeed := context.WithCancel(context.Background())
	fed := make(chan error, 1)
	go func() { fed <- feedBoards(feedCtx, store, codec, b) }()
	tb.Cleanup(func() {
		stopFeed()
		if err := <-fed; err != nil && !errors.Is(err, context.Canceled) {
			tb.Errorf("feeding the boards: %v", err)
		}
	})
	hub, err := boardws.NewHub(o.hub, b, &logProgress{store: store, boards: b})
	if err != nil {
		tb.Fatal(err)
	}
	sl := &syncLog{}
	handler, err := New(Config{
		Logger:    slog.New(slog.NewTextHandler(sl, &slog.HandlerOptions{Level: o.logLevel})),
		TokenKey:  key.Public().(ed25519.PublicKey),
		Commands:  h,
		Now:       now,
		RateLimit: o.rateLimit, RateBurst: o.rateBurst, MaxBodyBytes: o.maxBody,
		Boards: b, Live: hub,
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	tb.Cleanup(srv.Close)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hub.Shutdown(ctx); err != nil {
			tb.Errorf("hub shutdown: %v", err)
		}
	})
	e := &env{url: srv.URL, store: store, key: key, now: now, client: srv.Client(), log: sl, cmds: h}
	return &boardEnv{env: e, boards: b, hub: hub, codec: codec}
}

// feedBoards applies every event of the log to b, in order, until ctx
// ends: what the projection runner does.
func feedBoards(ctx context.Context, store eventstore.Store, codec *eventlog.Codec, b *boards.Boards) error {
	sub, err := store.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{})
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		rec, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		if err := b.Apply(ctx, envelopeOf(rec, codec)); err != nil {
			return err
		}
	}
}

// envelopeOf decodes a recorded event for the projections; an event of an
// unknown type keeps its place with no payload (projections ignore it).
func envelopeOf(rec eventstore.RecordedEvent, codec *eventlog.Codec) projections.Envelope {
	ev, _, err := codec.Decode(rec)
	if err != nil {
		ev = domain.Event{}
	}
	return projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}
}

// logProgress is the heartbeat's progress read from the log itself, at
// most every few milliseconds (as the runner polls the head): thousands
// of boards share one reading.
type logProgress struct {
	store  eventstore.Store
	boards *boards.Boards

	mu     sync.Mutex
	at     time.Time
	head   string
	behind int64
}

const progressEvery = 5 * time.Millisecond

func (p *logProgress) Head() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refresh()
	return p.head
}

func (p *logProgress) Behind() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refresh()
	return p.behind
}

// refresh reads the head and counts the events after the boards' position.
// Called with p.mu held.
func (p *logProgress) refresh() {
	if time.Since(p.at) < progressEvery {
		return
	}
	p.at = time.Now()
	ctx := context.Background()
	if pos, ok, err := p.store.Head(ctx); err == nil && ok {
		p.head = pos.String()
	}
	from := eventstore.Start
	if s := p.boards.Position(); s != "" {
		pos, err := eventstore.ParsePosition(s)
		if err != nil {
			return
		}
		from = eventstore.After(pos)
	}
	if page, err := p.store.ReadAll(ctx, eventstore.Forwards, from, 10000); err == nil {
		p.behind = int64(len(page))
	}
}

// head returns the position of the last event of the log.
func (e *boardEnv) head(tb testing.TB) string {
	tb.Helper()
	pos, ok, err := e.store.Head(tb.Context())
	if err != nil || !ok {
		tb.Fatalf("head: %v (log empty: %v)", err, !ok)
	}
	return pos.String()
}

// caughtUp waits until the boards folded the whole log and returns its
// head.
func (e *boardEnv) caughtUp(tb testing.TB) string {
	tb.Helper()
	head := e.head(tb)
	deadline := time.Now().Add(10 * time.Second)
	for e.boards.Position() != head {
		if time.Now().After(deadline) {
			tb.Fatalf("boards at %q, the log at %q", e.boards.Position(), head)
		}
		time.Sleep(time.Millisecond)
	}
	return head
}

// liveURL is the WebSocket URL of the live board of the operation at path
// (/v1/operations/{id}), resuming after after if it is not empty.
func (e *boardEnv) liveURL(opPath, after string) string {
	u := "ws" + strings.TrimPrefix(e.url, "http") + opPath + "/board/live"
	if after != "" {
		u += "?after=" + after
	}
	return u
}

// reference folds the log up to head (all of it if empty) into a fresh
// board of op and returns viewer's view, its position and the positions of
// the deltas viewer was due, in order: what a client must have rebuilt.
func (e *boardEnv) reference(tb testing.TB, op domain.OperationID, viewer marking.Viewer, head string) (board.View, []string) {
	tb.Helper()
	b, err := board.New(op, board.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	var due []string
	from := eventstore.Start
	for {
		page, err := e.store.ReadAll(tb.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		for _, rec := range page {
			if d := b.Apply(envelopeOf(rec, e.codec)).For(viewer); d != nil {
				due = append(due, d.Position)
			}
			if rec.Position.String() == head {
				return b.View(viewer), due
			}
		}
		if len(page) == 0 {
			if head != "" {
				tb.Fatalf("the log has no event at %s", head)
			}
			return b.View(viewer), due
		}
		from = eventstore.After(page[len(page)-1].Position)
	}
}

// boardClient is a live board as a client keeps it: the view rebuilt from
// the snapshot and the deltas with board.View.Apply, the position it is
// at, and every message it got, raw.
type boardClient struct {
	conn     *websocket.Conn
	view     board.View
	position string
	deltas   []string // positions of the deltas applied, in order
	raw      [][]byte
}

// dial opens the live board at url with token; it fails the test unless
// the upgrade succeeds.
func dialBoard(tb testing.TB, url, token string) *websocket.Conn {
	tb.Helper()
	c, resp, err := boardws.Dial(tb.Context(), nil, url, token)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		tb.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// read reads the next message, applies it, and returns it.
func (c *boardClient) read(tb testing.TB) (boardws.Message, error) {
	tb.Helper()
	typ, data, err := c.conn.ReadMessage()
	if err != nil {
		return boardws.Message{}, err
	}
	if typ != websocket.TextMessage {
		tb.Fatalf("frame type %d", typ)
	}
	c.raw = append(c.raw, data)
	m, err := boardws.DecodeMessage(data)
	if err != nil {
		tb.Fatalf("%v: %s", err, data)
	}
	switch m.Type {
	case boardws.TypeSnapshot:
		c.view, c.position = *m.Board, m.Position
	case boardws.TypeDelta:
		c.view.Apply(m.Delta)
		c.position = m.Position
		c.deltas = append(c.deltas, m.Position)
	}
	return m, nil
}

// readUntil reads until the client is at position pos.
func (c *boardClient) readUntil(tb testing.TB, pos string) {
	tb.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer c.conn.SetReadDeadline(time.Time{})
	for c.position != pos {
		if _, err := c.read(tb); err != nil {
			tb.Fatalf("reading up to %s (at %s): %v", pos, c.position, err)
		}
	}
}

// sameView fails the test unless two views encode to the same JSON.
func sameView(tb testing.TB, got, want board.View) {
	tb.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		tb.Fatal(err)
	}
	var x, y any
	if err := json.Unmarshal(g, &x); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(w, &y); err != nil {
		tb.Fatal(err)
	}
	if !reflect.DeepEqual(x, y) {
		tb.Fatalf("the client's board differs from the board folded from the log:\nclient: %s\nlog:    %s", g, w)
	}
}

// mustID parses a typed ID in a test.
func mustID[T any, PT textID[T]](tb testing.TB, u uuid.UUID) T {
	tb.Helper()
	var id T
	if err := PT(&id).UnmarshalText([]byte(u.String())); err != nil {
		tb.Fatal(err)
	}
	return id
}

// viewerOf is the marking viewer of an agency of the scenario (their
// states are not registered there).
func viewerOf(tb testing.TB, agency uuid.UUID) marking.Viewer {
	tb.Helper()
	return marking.Viewer{Agency: mustID[domain.AgencyID](tb, agency)}
}

// closeErr returns the close frame err carries, or fails the test.
func closeErr(tb testing.TB, err error) *websocket.CloseError {
	tb.Helper()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		tb.Fatalf("%v, want a close frame", err)
	}
	return ce
}
