package boardws

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/infra/boards"
)

// conn is one upgraded board connection. Its writer goroutine is the only
// one writing data frames; the reader goroutine reads control frames
// (pongs, the client's close) and ends when the connection does.
type conn struct {
	hub      *Hub
	ws       *websocket.Conn
	sub      stream
	agency   string        // the viewer's agency, for the connected-boards gauge
	position string        // the last position written; the writer's alone
	readDone chan struct{} // closed when the reader ends
	// ended says why the writer ended the connection (a Disconnect*
	// reason); empty when the reader ended it first. The writer's alone.
	ended string
	// readEnd says why the reader ended; written before readDone closes.
	readEnd string
}

// writeLoop writes the feed's frames, pings and heartbeats until the
// client leaves, the feed ends the stream or the hub shuts down.
func (c *conn) writeLoop() {
	defer c.finish()
	cfg := &c.hub.cfg
	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()
	beat := time.NewTicker(cfg.HeartbeatInterval)
	defer beat.Stop()
	for {
		select {
		case f, ok := <-c.sub.C():
			if !ok {
				c.closeFor(c.sub.Err())
				return
			}
			if err := c.writeQueued(f); err != nil {
				c.ended = DisconnectError
				return
			}
		case <-c.sub.Done():
			c.closeFor(c.sub.Err())
			return
		case <-c.readDone:
			return
		case <-c.hub.done:
			c.ended = DisconnectGoingAway
			c.close(CloseGoingAway, reasonGoingAway)
			return
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteTimeout)); err != nil {
				c.ended = DisconnectError
				return
			}
		case <-beat.C:
			if err := c.heartbeat(); err != nil {
				c.ended = DisconnectError
				return
			}
		}
	}
}

// maxBurst bounds the frames writeQueued sends before the writer looks at
// its other duties (shutdown, pings, heartbeats) again.
const maxBurst = 64

// writeQueued writes f and then the frames already queued behind it, up to
// maxBurst, without going back through the writer's select for each: under
// load a connection's queue holds several frames, and the select is a
// tenth of the writer's CPU. A queue closed meanwhile is left for the
// select to see.
func (c *conn) writeQueued(f *boards.Frame) error {
	if err := c.write(f); err != nil {
		return err
	}
	for range maxBurst - 1 {
		select {
		case next, ok := <-c.sub.C():
			if !ok {
				return nil
			}
			if err := c.write(next); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// write sends one frame of the feed, prepared once for every connection
// of its view.
func (c *conn) write(f *boards.Frame) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout)); err != nil {
		return err
	}
	if err := c.ws.WritePreparedMessage(f.Prepared); err != nil {
		return err
	}
	c.position = f.Position
	return nil
}

// heartbeat tells the client where it is and how far the boards are
// behind the log.
func (c *conn) heartbeat() error {
	p := c.hub.progress
	data, err := json.Marshal(Heartbeat{Type: TypeHeartbeat, Position: c.position, Head: p.Head(), Behind: p.Behind()})
	if err != nil {
		return err
	}
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// closeFor closes the connection for the reason the feed ended the
// stream, telling the client where to resume.
func (c *conn) closeFor(err error) {
	if errors.Is(err, boards.ErrSlow) {
		c.ended = DisconnectSlow
		c.close(CloseSlowConsumer, resumeReason(reasonSlow, c.position))
		return
	}
	c.ended = DisconnectUnavailable
	c.close(CloseUnavailable, resumeReason(reasonUnavailable, c.position))
}

// close sends a close frame and waits, at most the close grace, for the
// client to answer it (the reader then ends).
func (c *conn) close(code int, reason string) {
	cfg := &c.hub.cfg
	msg := websocket.FormatCloseMessage(code, reason)
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cfg.WriteTimeout)); err != nil {
		return
	}
	grace := time.NewTimer(cfg.CloseGrace)
	defer grace.Stop()
	select {
	case <-c.readDone:
	case <-grace.C:
	}
}

// goAway closes a connection upgraded while the hub shuts down.
func (c *conn) goAway() {
	msg := websocket.FormatCloseMessage(CloseGoingAway, reasonGoingAway)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.hub.cfg.WriteTimeout))
	c.sub.Close()
	_ = c.ws.Close()
}

// finish releases the connection: the subscription, the socket (which
// ends the reader) and the hub's record.
func (c *conn) finish() {
	c.sub.Close()
	_ = c.ws.Close()
	<-c.readDone
	c.hub.remove(c)
	c.hub.disconnected(c.reason())
}

// readLoop reads until the connection fails or closes. Clients send only
// control frames: a pong extends the read deadline, a close is answered
// by the websocket package; data messages are ignored.
func (c *conn) readLoop() {
	defer close(c.readDone)
	timeout := c.hub.cfg.PongTimeout
	if err := c.ws.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		c.readEnd = DisconnectError
		return
	}
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(timeout)) })
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			c.readEnd = readEndReason(err)
			return
		}
	}
}
