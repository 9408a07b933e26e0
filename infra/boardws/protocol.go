package boardws

import "github.com/gorilla/websocket"

// Subprotocol is the protocol of the live boards, version 1. A client that
// offers subprotocols must offer this one; the server selects it.
const Subprotocol = "jointops.v1"

// BearerPrefix marks the subprotocol that carries a browser's bearer token
// ("jointops.bearer.<token>"): browsers cannot set an Authorization header
// on a WebSocket. The server never selects it and never echoes it.
const BearerPrefix = "jointops.bearer."

// Message types, the "type" of every message the server sends.
const (
	TypeSnapshot  = "snapshot"
	TypeDelta     = "delta"
	TypeHeartbeat = "heartbeat"
)

// Close codes of the live boards (docs/API.md lists them with what a client
// does about each).
const (
	// CloseGoingAway: the server shuts down; reconnect (to another node)
	// and resume after the last position received.
	CloseGoingAway = websocket.CloseGoingAway
	// CloseTooLarge: the client sent a message over the read limit.
	CloseTooLarge = websocket.CloseMessageTooBig
	// CloseSlowConsumer: the client did not keep up and its queue filled;
	// the reason names the position to resume after.
	CloseSlowConsumer = 4008
	// CloseUnavailable: the board's feed ended (the boards are being
	// rebuilt, or stop); reconnect later and resume after the position the
	// reason names.
	CloseUnavailable = 4009
)

// Reasons of the close frames.
const (
	reasonGoingAway   = "going away"
	reasonSlow        = "slow consumer"
	reasonUnavailable = "board unavailable"
)

// resumeReason is a close reason that tells the client where to resume:
// "<what>: resume after <position>", or "<what>: reconnect" before any
// position was sent.
func resumeReason(what, position string) string {
	if position == "" {
		return what + ": reconnect"
	}
	return what + ": resume after " + position
}

// Heartbeat is the message sent every heartbeat interval: the position the
// connection is at (the last snapshot or delta sent; resume after it), the
// head of the event log and how many events the boards are behind it.
type Heartbeat struct {
	Type     string `json:"type"`
	Position string `json:"position"`
	Head     string `json:"head"`
	Behind   int64  `json:"behind"`
}
