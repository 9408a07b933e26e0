package boardws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
)

// Feed is the live feed of the boards; *boards.Boards is one. Subscribe
// registers a subscriber and queues its first frames atomically: a
// snapshot, or exactly the deltas after a position it still holds.
type Feed interface {
	Subscribe(ctx context.Context, op domain.OperationID, viewer marking.Viewer, after string, queue int) (*boards.Subscription, error)
}

// Progress says how far the boards are behind the event log, for the
// heartbeats; the projection runner is one. Both methods answer from
// memory and are safe for concurrent use.
type Progress interface {
	// Head returns the position of the last event of the log, as last
	// seen.
	Head() string
	// Behind returns how many events of the log the boards have yet to
	// fold.
	Behind() int64
}

// stream is what a connection writes from: a *boards.Subscription.
type stream interface {
	C() <-chan *boards.Frame
	Done() <-chan struct{}
	Err() error
	Close()
}

// subscribeFunc opens the stream of one connection.
type subscribeFunc func(ctx context.Context, op domain.OperationID, viewer marking.Viewer, after string, queue int) (stream, error)

// Hub serves live boards over WebSocket and keeps track of its
// connections, so that Shutdown can close every one of them with "going
// away". It is safe for concurrent use.
type Hub struct {
	cfg       Config
	upgrader  websocket.Upgrader
	origins   OriginPolicy
	subscribe subscribeFunc
	progress  Progress

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
	done   chan struct{} // closed by Shutdown
	wg     sync.WaitGroup
}

// NewHub returns a Hub streaming feed's boards, with heartbeats from
// progress.
func NewHub(cfg Config, feed Feed, progress Progress) (*Hub, error) {
	if feed == nil {
		return nil, errors.New("board hub: a feed is required")
	}
	return newHub(cfg, func(ctx context.Context, op domain.OperationID, viewer marking.Viewer, after string, queue int) (stream, error) {
		s, err := feed.Subscribe(ctx, op, viewer, after, queue)
		if err != nil {
			return nil, err
		}
		return s, nil
	}, progress)
}

func newHub(cfg Config, subscribe subscribeFunc, progress Progress) (*Hub, error) {
	cfg.setDefaults()
	err := cfg.Validate()
	if progress == nil {
		err = errors.Join(err, errors.New("progress: required for the heartbeats"))
	}
	if err != nil {
		return nil, fmt.Errorf("board hub: %w", err)
	}
	return &Hub{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: cfg.HandshakeTimeout,
			// Clients send control frames only; idle connections hold no
			// write buffer (they take one from the pool per message).
			ReadBufferSize:  256,
			WriteBufferSize: 4096,
			WriteBufferPool: &sync.Pool{},
			Subprotocols:    []string{Subprotocol},
			// The origin was checked by Serve, which answers a refusal
			// itself.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		origins:   NewOriginPolicy(cfg.AllowedOrigins, CodeOriginNotAllowed, "boards"),
		subscribe: subscribe,
		progress:  progress,
		conns:     map[*conn]struct{}{},
		done:      make(chan struct{}),
	}, nil
}

// errUpgrade: the connection could not be upgraded although the handshake
// was valid (the server cannot hand it over); the caller answers 500.
var errUpgrade = errors.New("board hub: upgrade failed")

// Serve upgrades r to a WebSocket and streams the board of op as viewer
// may see it: a snapshot then deltas, or, when after names a position the
// feed still holds, exactly the deltas after it. The caller has
// authenticated r and chosen viewer from the principal. Before the
// upgrade Serve writes nothing: it returns an error that Is
// domain.ErrInvalid (not a WebSocket handshake of this protocol),
// domain.ErrForbidden (origin not allowed) or domain.ErrNotFound (no
// board, or one the viewer may not see: the same answer), for the caller
// to answer. Once upgraded it returns nil; the connection then runs on its
// own goroutines until the client leaves, the feed cuts it or the hub
// shuts down.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, op domain.OperationID, viewer marking.Viewer, after string) error {
	if err := CheckHandshake(r); err != nil {
		return err
	}
	if err := h.origins.Check(r); err != nil {
		return err
	}
	// The subscription outlives the request; the connection closes it.
	sub, err := h.subscribe(context.WithoutCancel(r.Context()), op, viewer, after, h.cfg.QueueSize)
	if err != nil {
		return h.refusal(op, err)
	}
	var refused error
	u := h.upgrader
	u.Error = func(_ http.ResponseWriter, _ *http.Request, _ int, reason error) {
		refused = fmt.Errorf("%w: %w", errUpgrade, reason)
	}
	ws, err := u.Upgrade(w, r, nil)
	if err != nil {
		sub.Close()
		if refused != nil {
			return refused
		}
		// The connection was taken over and broke: nobody to answer.
		h.cfg.Logger.Debug("board upgrade failed", "operation", op.String(), "error", err.Error())
		return nil
	}
	ws.SetReadLimit(h.cfg.ReadLimit)
	c := &conn{hub: h, ws: ws, sub: sub, agency: viewer.Agency.String(), position: after, readDone: make(chan struct{})}
	if !h.add(c) {
		c.goAway()
		h.disconnected(DisconnectGoingAway)
		return nil
	}
	go c.readLoop()
	go c.writeLoop()
	return nil
}

// refusal translates the feed's refusal of a subscription.
func (h *Hub) refusal(op domain.OperationID, err error) error {
	if errors.Is(err, boards.ErrNotFound) {
		return notFound(op)
	}
	return fmt.Errorf("board %s: %w", op, err)
}

// add registers c unless the hub is shutting down.
func (h *Hub) add(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *Hub) remove(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; ok {
		delete(h.conns, c)
		h.wg.Done()
	}
}

// Len returns the number of open connections.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Shutdown closes every connection with 1001 "going away" and waits until
// they are gone or ctx ends; then it drops the rest and returns ctx's
// error. Connections upgraded afterwards are closed the same way at once.
// Call it before http.Server.Shutdown, which does not track upgraded
// connections, and before the feed stops.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
	h.mu.Unlock()
	gone := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(gone)
	}()
	select {
	case <-gone:
		return nil
	case <-ctx.Done():
	}
	h.mu.Lock()
	for c := range h.conns {
		_ = c.ws.Close()
	}
	h.mu.Unlock()
	<-gone
	return ctx.Err()
}
