// Package replayws plays an operation's history to an investigator over
// WebSocket (github.com/gorilla/websocket), in the frames of the live
// boards: a snapshot of the board as one agency saw it at the starting
// point, then the deltas of the following events in log order, each with
// its position, so that the live page's client code renders a replay as it
// renders a live board.
//
// The server paces the deltas by the gaps between the events' recorded_at
// times divided by the session's speed (1× to 1000×), never waiting more
// than Config.MaxGap of wall time for one gap, or streams them as fast as
// the client reads ("max"). The client controls the session with JSON text
// messages (pause, play, step, speed, seek); the server answers each with
// a "replay" status message, and a bad control with an "error" message,
// keeping the session open. At the end of the history the session is
// "ended" and stays open for seeks. Every start and every seek is recorded
// (Request.Record) before its frames are computed: no unrecorded read of
// history.
//
// Each connection has one reader goroutine (the controls), one player
// goroutine (folds the history, paces it, encodes the frames) and one
// writer goroutine (the only one writing to the socket, with write
// deadlines and pings), joined by a bounded queue: a client that reads
// slowly slows the player down, and one that stops reading is dropped at
// the write deadline.
//
// The history comes from a Source (infra/history.History is one).
// Authentication, authorization and the mapping of refusals to HTTP
// problems belong to the caller (infra/httpapi): Server.Serve writes
// nothing before the upgrade and returns errors of the domain's kinds. The
// protocol is documented in docs/API.md ("Replay"). This package never
// logs bearer tokens, headers or frame contents.
//
// It imports infra/history (the frames), infra/boardws (the protocol's
// names), the projections and the domain's value types; never
// infra/httpapi, commands/ or cmd/.
package replayws
