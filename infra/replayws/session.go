package replayws

import (
	"context"
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

// Close reasons.
const (
	reasonGoingAway = "going away"
	reasonFailed    = "replay failed"
)

// errInterrupt stops a run of the history when a control changed where or
// whether the session plays.
var errInterrupt = errors.New("replay: interrupted by a control")

// errStepped stops a step once it sent a delta.
var errStepped = errors.New("replay: stepped")

// control is one message of the client, parsed (or why it is not one).
type control struct {
	Control
	at  Point
	err error
}

// outgoing is what the player hands the writer at once: messages, or a
// close frame.
type outgoing struct {
	data   [][]byte
	close  int
	reason string
}

// A batch of messages closes at this many messages or bytes: at max speed
// the player hands the writer batches, not messages, so that a message
// costs no goroutine switch; paced, every message goes alone at once.
const (
	batchMessages = 64
	batchBytes    = 64 << 10
)

// session is one replay connection. The reader goroutine owns the
// socket's reads, the writer its writes; everything below the channels is
// the player goroutine's alone.
type session struct {
	srv      *Server
	ws       *websocket.Conn
	req      Request
	ctx      context.Context
	cancel   context.CancelFunc
	controls chan control
	out      chan outgoing
	readDone chan struct{}

	frame      *history.Frame
	state      string
	speed      Speed
	sent       string    // position of the last snapshot or delta sent
	clock      time.Time // recorded_at of the last event folded
	paceRec    time.Time // recorded_at of the last event paced
	paceWall   time.Time // wall time it was released
	lastStatus time.Time
	timer      *time.Timer
	batch      [][]byte // messages not yet handed to the writer
	batchSize  int
}

func newSession(ctx context.Context, cancel context.CancelFunc, srv *Server, ws *websocket.Conn, req Request, frame *history.Frame) *session {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &session{
		srv: srv, ws: ws, req: req, ctx: ctx, cancel: cancel,
		controls: make(chan control, 8),
		out:      make(chan outgoing, srv.cfg.QueueSize),
		readDone: make(chan struct{}),
		frame:    frame, state: StatePlaying, speed: req.Speed,
		clock: frame.Board().Clock(),
		timer: t,
	}
}

// start runs the session's goroutines and releases it when all end.
func (s *session) start() {
	played := make(chan struct{})
	written := make(chan struct{})
	go s.readLoop()
	go func() {
		defer close(written)
		s.writeLoop()
	}()
	go func() {
		defer close(played)
		s.play()
	}()
	go func() {
		<-played
		<-written
		<-s.readDone
		s.srv.remove(s)
	}()
}

// readLoop reads the client's controls until the connection ends.
func (s *session) readLoop() {
	defer close(s.readDone)
	defer s.cancel()
	timeout := s.srv.cfg.PongTimeout
	if err := s.ws.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return
	}
	s.ws.SetPongHandler(func(string) error { return s.ws.SetReadDeadline(time.Now().Add(timeout)) })
	for {
		typ, data, err := s.ws.ReadMessage()
		if err != nil {
			return
		}
		if err := s.ws.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return
		}
		var c control
		if typ != websocket.TextMessage {
			c.err = errors.New("controls are JSON text messages")
		} else {
			c.Control, c.at, c.err = parseControl(data)
		}
		select {
		case s.controls <- c:
		case <-s.ctx.Done():
			return
		}
	}
}

// writeLoop writes the player's messages and the pings until the session
// ends; it is the only writer of data frames.
func (s *session) writeLoop() {
	defer func() {
		s.cancel()
		_ = s.ws.Close()
	}()
	cfg := &s.srv.cfg
	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case m := <-s.out:
			if m.close != 0 {
				s.closeWith(m.close, m.reason)
				return
			}
			for _, data := range m.data {
				if err := s.ws.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout)); err != nil {
					return
				}
				if err := s.ws.WriteMessage(websocket.TextMessage, data); err != nil {
					return
				}
			}
		case <-ping.C:
			if err := s.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteTimeout)); err != nil {
				return
			}
		case <-s.srv.done:
			s.closeWith(websocket.CloseGoingAway, reasonGoingAway)
			return
		case <-s.ctx.Done():
			return
		}
	}
}

// closeWith sends a close frame and waits, at most the close grace, for
// the client to answer it.
func (s *session) closeWith(code int, reason string) {
	cfg := &s.srv.cfg
	msg := websocket.FormatCloseMessage(code, reason)
	if err := s.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cfg.WriteTimeout)); err != nil {
		return
	}
	grace := time.NewTimer(cfg.CloseGrace)
	defer grace.Stop()
	select {
	case <-s.readDone:
	case <-grace.C:
	}
}

// play sends the starting snapshot, then plays, waits for controls and
// follows them until the session ends.
func (s *session) play() {
	if !s.snapshot() {
		return
	}
	s.paceFromNow()
	s.status()
	for s.ctx.Err() == nil {
		if s.state == StatePlaying {
			s.run()
			continue
		}
		if !s.flush() {
			return
		}
		select {
		case c := <-s.controls:
			s.handle(c)
		case <-s.ctx.Done():
			return
		}
	}
}

// run plays the history from the frame's position until its end, a
// control that stops it or the end of the session.
func (s *session) run() {
	err := s.srv.source.Events(s.ctx, s.req.Operation, s.after(), eventstore.End, s.onEvent)
	switch {
	case errors.Is(err, errInterrupt) || s.ctx.Err() != nil:
	case err != nil:
		s.fail(err)
	default:
		s.state = StateEnded
		s.status()
	}
}

// after is where the history continues from the frame.
func (s *session) after() eventstore.Cursor {
	if p := s.frame.Position(); p != (eventstore.Position{}) {
		return eventstore.After(p)
	}
	return eventstore.Start
}

// onEvent follows the controls that arrived, waits for the event's time
// and plays it.
func (s *session) onEvent(env projections.Envelope) error {
	// Only the player receives controls: what is queued can be taken.
	for len(s.controls) > 0 {
		if s.handle(<-s.controls) {
			return errInterrupt
		}
	}
	if err := s.pace(env.Event.RecordedAt); err != nil {
		return err
	}
	if _, err := s.advance(env); err != nil {
		return err
	}
	if time.Since(s.lastStatus) >= s.srv.cfg.StatusInterval {
		s.status()
	}
	return nil
}

// pace waits until the event recorded at rec is due at the session's
// speed, following the controls that arrive meanwhile.
func (s *session) pace(rec time.Time) error {
	for s.speed != SpeedMax && !s.paceRec.IsZero() {
		gap := rec.Sub(s.paceRec) / time.Duration(s.speed)
		gap = max(0, min(gap, s.srv.cfg.MaxGap))
		wait := time.Until(s.paceWall.Add(gap))
		if wait <= 0 {
			break
		}
		if !s.flush() {
			return s.ctx.Err()
		}
		s.timer.Reset(wait)
		select {
		case <-s.timer.C:
		case c := <-s.controls:
			s.timer.Stop()
			if s.handle(c) {
				return errInterrupt
			}
		case <-s.ctx.Done():
			s.timer.Stop()
			return s.ctx.Err()
		}
	}
	s.paceRec, s.paceWall = rec, time.Now()
	return nil
}

// paceFromNow makes the next event's gap count from now.
func (s *session) paceFromNow() {
	s.paceRec, s.paceWall = s.clock, time.Now()
}

// advance folds one event and sends its delta when the agency may see any
// of its changes; it reports whether it sent one.
func (s *session) advance(env projections.Envelope) (bool, error) {
	d := s.frame.Apply(env)
	if rec := env.Event.RecordedAt; rec.After(s.clock) {
		s.clock = rec
	}
	ad := d.For(s.frame.Viewer(s.req.Agency))
	if ad == nil {
		return false, nil
	}
	data, err := boards.EncodeDelta(ad)
	if err != nil {
		return false, err
	}
	if !s.queue(data) {
		return false, s.ctx.Err()
	}
	s.sent = ad.Position
	return true, nil
}

// handle follows one control; it reports whether a run of the history
// must stop (the session paused or moved).
func (s *session) handle(c control) bool {
	if c.err != nil {
		s.sendError(CodeInvalidControl, c.err.Error())
		return false
	}
	switch c.Type {
	case ControlPause:
		stop := s.state == StatePlaying
		if stop {
			s.state = StatePaused
		}
		s.status()
		return stop
	case ControlPlay:
		if s.state != StatePlaying {
			s.state = StatePlaying
			s.paceFromNow()
		}
		s.status()
	case ControlStep:
		if s.state != StatePaused {
			s.sendError(CodeNotPaused, "step works while paused: pause first")
			return false
		}
		s.step()
	case ControlSpeed:
		s.speed = *c.Speed
		s.paceFromNow()
		s.status()
	case ControlSeek:
		return s.seek(c.at)
	}
	return false
}

// step plays the events up to the next one that changes the agency's
// board (its delta is sent), or to the end.
func (s *session) step() {
	err := s.srv.source.Events(s.ctx, s.req.Operation, s.after(), eventstore.End, func(env projections.Envelope) error {
		sent, err := s.advance(env)
		if err == nil && sent {
			return errStepped
		}
		return err
	})
	switch {
	case errors.Is(err, errStepped):
	case s.ctx.Err() != nil:
		return
	case err != nil:
		s.fail(err)
		return
	default:
		s.state = StateEnded
	}
	s.paceFromNow()
	s.status()
}

// seek records the seek, folds the board at the point and sends its
// snapshot; it reports whether it moved. An ended session seeks into
// pause.
func (s *session) seek(at Point) bool {
	if err := s.req.Record(s.ctx, Access{Seek: true, From: at, Speed: s.speed}); err != nil {
		s.srv.cfg.Logger.Warn("replay seek not recorded", "operation", s.req.Operation.String(), "error", err.Error())
		s.sendError(CodeNotRecorded, "the seek could not be recorded, so it is not served")
		return false
	}
	f, err := frameAt(s.ctx, s.srv.source, s.req.Operation, at)
	switch {
	case errors.Is(err, history.ErrNotIndexed):
		s.sendError(CodeNotIndexed, "that point is not in the history yet")
		return false
	case err != nil:
		s.srv.cfg.Logger.Warn("replay seek failed", "operation", s.req.Operation.String(), "error", err.Error())
		s.sendError(CodeSeekFailed, "the board at that point could not be folded")
		return false
	}
	s.frame, s.clock = f, f.Board().Clock()
	if !s.snapshot() {
		return true
	}
	if s.state == StateEnded {
		s.state = StatePaused
	}
	s.paceFromNow()
	s.status()
	return true
}

// snapshot sends the frame's board as the agency saw it.
func (s *session) snapshot() bool {
	v := s.frame.View(s.req.Agency)
	pos := ""
	if p := s.frame.Position(); p != (eventstore.Position{}) {
		pos = p.String()
	}
	data, err := boards.EncodeSnapshot(s.req.Operation, pos, &v)
	if err != nil {
		s.fail(err)
		return false
	}
	if !s.queue(data) {
		return false
	}
	s.sent = pos
	return true
}

// status sends the session's status.
func (s *session) status() {
	s.lastStatus = time.Now()
	s.sendJSON(Status{Type: TypeStatus, State: s.state, Position: s.sent, Speed: s.speed, Clock: s.clock, Events: s.frame.Events()})
}

// sendError answers a control the session could not follow.
func (s *session) sendError(code, detail string) {
	s.sendJSON(ErrorMessage{Type: TypeError, Code: code, Detail: detail})
}

// fail ends the session on an error of the history.
func (s *session) fail(err error) {
	s.srv.cfg.Logger.Error("replay failed", "operation", s.req.Operation.String(), "error", err.Error())
	s.sendError("replay.failed", "the history could not be read; the replay ends")
	s.flush()
	s.send(outgoing{close: websocket.CloseInternalServerErr, reason: reasonFailed})
	// Nothing more is played: the writer closes the connection.
	<-s.ctx.Done()
}

// queue adds a message to the batch, and hands the batch to the writer
// when it is full, or at once unless the session plays at max speed;
// false when the session ended.
func (s *session) queue(data []byte) bool {
	s.batch = append(s.batch, data)
	s.batchSize += len(data)
	if s.speed == SpeedMax && len(s.batch) < batchMessages && s.batchSize < batchBytes {
		return true
	}
	return s.flush()
}

// flush hands the batch to the writer; false when the session ended.
func (s *session) flush() bool {
	if len(s.batch) == 0 {
		return true
	}
	b := s.batch
	s.batch, s.batchSize = make([][]byte, 0, batchMessages), 0
	return s.send(outgoing{data: b})
}

// send hands the writer one item, waiting while its queue is full; false
// when the session ended.
func (s *session) send(m outgoing) bool {
	select {
	case s.out <- m:
		return true
	case <-s.ctx.Done():
		return false
	}
}
