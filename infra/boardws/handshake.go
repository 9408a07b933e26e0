package boardws

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
)

// Rejection codes of the live boards (docs/API.md).
const (
	// CodeOriginNotAllowed: the page opening the board is not served from
	// an allowed origin.
	CodeOriginNotAllowed domain.Code = "board.origin_not_allowed"
	// CodeBoardNotFound: there is no board of this operation that the
	// caller's agency may see — it does not exist, or the agency does not
	// take part in it; the two are indistinguishable on purpose.
	CodeBoardNotFound domain.Code = "board.not_found"
)

// CheckHandshake reports, as one *domain.ValidationError, everything that
// makes r not an opening handshake of this protocol (live boards and
// replays speak the same one). The problems name headers, never their
// values: the subprotocol header may carry a token.
func CheckHandshake(r *http.Request) error {
	var p domain.Problems
	if !websocket.IsWebSocketUpgrade(r) {
		p.Add("Upgrade", "must be a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)")
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" {
		p.Add("Sec-WebSocket-Version", "must be 13")
	}
	if key, err := base64.StdEncoding.DecodeString(r.Header.Get("Sec-WebSocket-Key")); err != nil || len(key) != 16 {
		p.Add("Sec-WebSocket-Key", "must be 16 bytes in base64")
	}
	if offered := websocket.Subprotocols(r); len(offered) > 0 && !slices.Contains(offered, Subprotocol) {
		p.Add("Sec-WebSocket-Protocol", "must offer "+Subprotocol)
	}
	return p.Err()
}

// OriginPolicy decides which pages may open a WebSocket of this protocol:
// the allowed origins, or when none is configured the server's own host.
// A request with no Origin header comes from no browser and passes.
type OriginPolicy struct {
	allowed map[string]bool // normalized origins; empty: the request's host only
	code    domain.Code
	what    string
}

// NewOriginPolicy returns the policy of origins (checked by Config.Validate
// of the caller; invalid ones are ignored); a refusal has the code and
// names what may not be opened ("boards", "replays").
func NewOriginPolicy(origins []string, code domain.Code, what string) OriginPolicy {
	p := OriginPolicy{allowed: map[string]bool{}, code: code, what: what}
	for _, o := range origins {
		if n, err := ParseOrigin(o); err == nil {
			p.allowed[n] = true
		}
	}
	return p
}

// Check returns a forbidding rejection unless r comes from an allowed
// origin, or from no browser at all (no Origin header).
func (p OriginPolicy) Check(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" || p.allows(origin, r.Host) {
		return nil
	}
	return domain.Forbid(p.code, "pages of origin %.100q may not open %s", origin, p.what)
}

func (p OriginPolicy) allows(origin, host string) bool {
	if len(p.allowed) > 0 {
		return p.allowed[strings.ToLower(origin)]
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// notFound is the refusal of a board the caller may not see, the same
// whether the operation does not exist or the caller's agency does not
// take part in it.
func notFound(op domain.OperationID) error {
	return domain.Missing(CodeBoardNotFound, "no board of operation %s", op)
}
