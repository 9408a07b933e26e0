package replayws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

// Source is the history a replay plays; *history.History is one. Its
// methods are safe for concurrent use.
type Source interface {
	// FrameAt is the board and directory of op as of a position
	// (eventstore.Start: before any event).
	FrameAt(ctx context.Context, op domain.OperationID, at eventstore.Cursor) (*history.Frame, error)
	// PositionAt is the last position of op recorded at or before t;
	// history.ErrBeforeFirstEvent before op's first event.
	PositionAt(ctx context.Context, op domain.OperationID, t time.Time) (eventstore.Position, error)
	// Events calls fn for op's events (and the directory's) after `after`
	// and up to `until`, in log order; an error of fn stops it and is
	// returned.
	Events(ctx context.Context, op domain.OperationID, after, until eventstore.Cursor, fn func(projections.Envelope) error) error
}

var _ Source = (*history.History)(nil)

// Access is one read of history a session makes: its start, or a seek.
type Access struct {
	// Seek is false for the start of the session.
	Seek bool
	// From is where the session starts or seeks to, as asked.
	From Point
	// Speed is the session's speed at the time.
	Speed Speed
}

// Request is one replay session to serve, authorized by the caller.
type Request struct {
	// Operation is the operation replayed.
	Operation domain.OperationID
	// Agency is whose view is replayed: the board as it saw it, with the
	// markings and participation in force at each point.
	Agency domain.AgencyID
	// From is where the session starts.
	From Point
	// Speed is the session's first speed.
	Speed Speed
	// Record records a read of history before it is served: the start
	// (before the upgrade) and every seek. An error refuses the read.
	Record func(ctx context.Context, a Access) error
}

func (r Request) validate() error {
	var p domain.Problems
	if r.Operation.IsZero() {
		p.Add("operation", "required")
	}
	if r.Agency.IsZero() {
		p.Add("as_agency", "required")
	}
	if r.Speed != SpeedMax && (r.Speed < MinSpeed || r.Speed > MaxSpeed) {
		p.Addf("speed", "want a whole number from %d to %d, or \"max\"", MinSpeed, MaxSpeed)
	}
	if r.Record == nil {
		p.Add("record", "required: every replay is recorded")
	}
	return p.Err()
}

// Server serves replay sessions over WebSocket and keeps track of them,
// so that Shutdown can close every one with "going away". It is safe for
// concurrent use.
type Server struct {
	cfg      Config
	source   Source
	upgrader websocket.Upgrader
	origins  boardws.OriginPolicy

	mu       sync.Mutex
	sessions map[*session]struct{}
	closed   bool
	done     chan struct{} // closed by Shutdown
	wg       sync.WaitGroup
}

// NewServer returns a Server playing source's history.
func NewServer(cfg Config, source Source) (*Server, error) {
	cfg.setDefaults()
	err := cfg.Validate()
	if source == nil {
		err = errors.Join(err, errors.New("source: required"))
	}
	if err != nil {
		return nil, fmt.Errorf("replay server: %w", err)
	}
	return &Server{
		cfg:    cfg,
		source: source,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: cfg.HandshakeTimeout,
			ReadBufferSize:   1024,
			WriteBufferSize:  16 << 10,
			WriteBufferPool:  &sync.Pool{},
			Subprotocols:     []string{boardws.Subprotocol},
			// Serve checked the origin and answers a refusal itself.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		origins:  boardws.NewOriginPolicy(cfg.AllowedOrigins, CodeOriginNotAllowed, "replays"),
		sessions: map[*session]struct{}{},
		done:     make(chan struct{}),
	}, nil
}

// errUpgrade: the connection could not be upgraded although the handshake
// was valid; the caller answers 500.
var errUpgrade = errors.New("replay server: upgrade failed")

// Serve checks the handshake and origin of r, records the start of the
// session, folds the board at its starting point and upgrades r to a
// WebSocket that plays the history from there. Before the upgrade it
// writes nothing: it returns an error that Is domain.ErrInvalid (not a
// WebSocket handshake of the protocol, a bad request), domain.ErrForbidden
// (origin not allowed), history.ErrUnknownOperation or
// history.ErrNotIndexed (a start the history does not know), or the
// recorder's error, for the caller to answer. Once upgraded it returns nil;
// the session then runs on its own goroutines.
func (s *Server) Serve(w http.ResponseWriter, r *http.Request, req Request) error {
	if err := boardws.CheckHandshake(r); err != nil {
		return err
	}
	if err := s.origins.Check(r); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	// The session outlives the request.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	if err := req.Record(ctx, Access{From: req.From, Speed: req.Speed}); err != nil {
		cancel()
		return err
	}
	frame, err := frameAt(ctx, s.source, req.Operation, req.From)
	if err != nil {
		cancel()
		return err
	}
	var refused error
	u := s.upgrader
	u.Error = func(_ http.ResponseWriter, _ *http.Request, _ int, reason error) {
		refused = fmt.Errorf("%w: %w", errUpgrade, reason)
	}
	ws, err := u.Upgrade(w, r, nil)
	if err != nil {
		cancel()
		if refused != nil {
			return refused
		}
		s.cfg.Logger.Debug("replay upgrade failed", "operation", req.Operation.String(), "error", err.Error())
		return nil
	}
	ws.SetReadLimit(s.cfg.ReadLimit)
	sess := newSession(ctx, cancel, s, ws, req, frame)
	if !s.add(sess) {
		msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, reasonGoingAway)
		_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.cfg.WriteTimeout))
		_ = ws.Close()
		cancel()
		return nil
	}
	sess.start()
	return nil
}

// frameAt folds op's board at p.
func frameAt(ctx context.Context, src Source, op domain.OperationID, p Point) (*history.Frame, error) {
	at := eventstore.Start
	switch {
	case p.ByTime:
		pos, err := src.PositionAt(ctx, op, p.Time)
		switch {
		case errors.Is(err, history.ErrBeforeFirstEvent):
		case err != nil:
			return nil, err
		default:
			at = eventstore.After(pos)
		}
	case p.Position != eventstore.Position{}:
		at = eventstore.After(p.Position)
	}
	return src.FrameAt(ctx, op, at)
}

// add registers sess unless the server is shutting down.
func (s *Server) add(sess *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions[sess] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) remove(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[sess]; ok {
		delete(s.sessions, sess)
		s.wg.Done()
	}
}

// Len returns the number of open sessions.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown closes every session with 1001 "going away" and waits until
// they are gone or ctx ends; then it drops the rest and returns ctx's
// error. Sessions upgraded afterwards are closed at once. Call it before
// http.Server.Shutdown, which does not track upgraded connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	gone := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(gone)
	}()
	select {
	case <-gone:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for sess := range s.sessions {
		_ = sess.ws.Close()
	}
	s.mu.Unlock()
	<-gone
	return ctx.Err()
}
