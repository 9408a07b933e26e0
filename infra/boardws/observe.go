package boardws

import (
	"errors"

	"github.com/gorilla/websocket"
)

// Reasons a connection ended, as Config.OnDisconnect is told them.
const (
	// DisconnectSlow: the client did not keep up and its queue filled
	// (closed with 4008); each one is a queue drop.
	DisconnectSlow = "slow"
	// DisconnectGoingAway: the hub shut down (closed with 1001).
	DisconnectGoingAway = "going_away"
	// DisconnectUnavailable: the board's feed ended (closed with 4009).
	DisconnectUnavailable = "unavailable"
	// DisconnectClientClosed: the client closed the connection with a
	// close frame.
	DisconnectClientClosed = "client_closed"
	// DisconnectError: the link failed — a write or read error, a missed
	// pong deadline, a message over the read limit, no close frame.
	DisconnectError = "error"
)

// ConnectedByAgency returns the open connections per viewing agency (its
// ID as text), for the connected-boards gauge. It takes the hub's lock
// for one pass over the connections.
func (h *Hub) ConnectedByAgency() map[string]float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]float64{}
	for c := range h.conns {
		out[c.agency]++
	}
	return out
}

// disconnected tells the configured observer that a connection ended.
func (h *Hub) disconnected(reason string) {
	if h.cfg.OnDisconnect != nil {
		h.cfg.OnDisconnect(reason)
	}
}

// reason says why c ended: the writer's reason when it ended the
// connection, otherwise the reader's. Call it after readDone closed.
func (c *conn) reason() string {
	if c.ended != "" {
		return c.ended
	}
	if c.readEnd != "" {
		return c.readEnd
	}
	return DisconnectError
}

// readEndReason classifies the error that ended the reader: a close frame
// from the client, or a failed link.
func readEndReason(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure && ce.Code != websocket.CloseMessageTooBig {
		return DisconnectClientClosed
	}
	return DisconnectError
}
