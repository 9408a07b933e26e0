// Package webui serves the situation board page: one HTML page, its style
// sheet and its JavaScript modules, embedded in the binary with go:embed so
// that a forward command post needs nothing but the jointops binary (no
// build step, no CDN, no tile server).
//
// The page is a client of the public API only. It reads the caller's
// operations and board over /v1, follows the live board over the WebSocket
// of infra/boardws (snapshot, then deltas applied exactly as
// projections/board.View.Apply applies them — assets/js/apply.js mirrors it
// and a browser test holds the two together), and submits field reports and
// tasks as commands with fresh command IDs. What an agency may see is
// decided on the server; the page never filters.
//
// Besides the page, the handler serves two small JSON documents the page
// reads at start: config.json (which optional server features exist, such
// as the demo token list) and map.json (the states and land borders drawn
// under the board, from a MapSource the wiring provides).
//
// It imports the domain's value types only; never commands/, projections/
// internals, other infra packages or cmd/.
package webui
