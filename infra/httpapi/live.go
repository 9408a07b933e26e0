package httpapi

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"unicode"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// LiveBoards streams boards over WebSocket (infra/boardws.Hub is one).
type LiveBoards interface {
	// Serve upgrades r and streams the board of op as viewer may see it:
	// a snapshot then deltas, or, when after names a position it still
	// holds, exactly the deltas after it. Before the upgrade it answers
	// nothing itself: it returns an error of the domain's kinds (invalid
	// handshake, forbidden origin, no such board) for the caller to answer.
	// Once upgraded it returns nil and owns the connection.
	Serve(w http.ResponseWriter, r *http.Request, op domain.OperationID, viewer marking.Viewer, after string) error
}

// bearerSubprotocol prefixes the subprotocol that carries a browser's
// token ("jointops.bearer.<token>"), as infra/boardws.BearerPrefix.
const bearerSubprotocol = "jointops.bearer."

// maxPositionLen bounds the after parameter: positions are short.
const maxPositionLen = 128

// liveBoard is GET /v1/operations/{operation}/board/live: authenticated
// (by secureLive) before the upgrade; a non-participant gets the same 404
// as for an operation that does not exist.
func (a *api) liveBoard(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	op := pathID[domain.OperationID](r, &probs, "operation")
	after := r.URL.Query().Get("after")
	if len(after) > maxPositionLen || strings.ContainsFunc(after, func(c rune) bool { return !unicode.IsPrint(c) || c == ' ' }) {
		probs.Add("after", "must be a position received from this server")
	}
	if err := probs.Err(); err != nil {
		return err
	}
	return a.cfg.Live.Serve(hijackable(w), r, op, a.cfg.Boards.Viewer(p.Agency), after)
}

// secureBoard is secure for the board routes, where a browser's WebSocket
// upgrade may carry its token as a subprotocol instead of the
// Authorization header. The token is moved to the header of the request
// that secure authenticates; it is never logged or echoed.
func (a *api) secureBoard(serve serveFunc) http.Handler {
	next := a.secure(serve)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			if tok, ok := subprotocolToken(r.Header); ok {
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", "Bearer "+tok)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// subprotocolToken returns the token of a "jointops.bearer.<token>"
// subprotocol offered in h.
func subprotocolToken(h http.Header) (string, bool) {
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			if tok, ok := strings.CutPrefix(strings.TrimSpace(p), bearerSubprotocol); ok && tok != "" {
				return tok, true
			}
		}
	}
	return "", false
}

// hijackable returns a ResponseWriter the WebSocket upgrade can hijack:
// logRequests wraps the server's in a statusRecorder, which does not
// expose http.Hijacker. The request log then shows 101.
func hijackable(w http.ResponseWriter) http.ResponseWriter {
	if rec, ok := w.(*statusRecorder); ok {
		return &upgradeWriter{rec: rec}
	}
	return w
}

// upgradeWriter lets the upgrade hijack the connection under a
// statusRecorder.
type upgradeWriter struct {
	rec *statusRecorder
}

func (u *upgradeWriter) Header() http.Header         { return u.rec.Header() }
func (u *upgradeWriter) Write(b []byte) (int, error) { return u.rec.Write(b) }
func (u *upgradeWriter) WriteHeader(code int)        { u.rec.WriteHeader(code) }

// errNoHijack: the server's connection cannot be taken over.
var errNoHijack = errors.New("http api: the response writer cannot hijack its connection")

func (u *upgradeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := u.rec.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errNoHijack
	}
	c, rw, err := h.Hijack()
	if err == nil {
		u.rec.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}
