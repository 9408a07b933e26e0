// Package boardws carries the live situation boards over WebSocket
// (github.com/gorilla/websocket): the upgrade with its origin check and
// subprotocol, one writer goroutine per connection with write deadlines,
// ping/pong with a pong deadline, a read limit, heartbeats that say how far
// the board is behind the log, the slow-consumer cut (close 4008 with the
// position to resume after) and the "going away" close (1001) of every
// connection at shutdown.
//
// The boards and their frames come from infra/boards: each delta is
// encoded once per agency view and wrapped once in a
// websocket.PreparedMessage, and this package writes that same prepared
// frame to every connection of the view. Authentication and the mapping of
// refusals to HTTP problems belong to the caller (infra/httpapi): Hub.Serve
// answers nothing itself before the upgrade, it returns errors of the
// domain's kinds (domain.ErrInvalid, domain.ErrForbidden,
// domain.ErrNotFound) for the caller to answer. The client side of the
// protocol (Dial, Message, DecodeMessage) lives here too, for Go clients,
// tests and load generators.
//
// The protocol is documented in docs/API.md ("Live boards"). This package
// never logs bearer tokens, headers or frame contents.
//
// It imports infra/boards, the projections it serves and the domain's
// value types; never infra/httpapi, commands/ or cmd/.
package boardws
