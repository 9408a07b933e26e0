package replayws

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boardws"
)

// CodeOriginNotAllowed: the page opening the replay is not served from an
// allowed origin.
const CodeOriginNotAllowed domain.Code = "replay.origin_not_allowed"

// checkHandshake reports, as one *domain.ValidationError, everything that
// makes r not an opening handshake of the boards' protocol. The problems
// name headers, never their values: the subprotocol header may carry a
// token.
func checkHandshake(r *http.Request) error {
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
	if offered := websocket.Subprotocols(r); len(offered) > 0 && !slices.Contains(offered, boardws.Subprotocol) {
		p.Add("Sec-WebSocket-Protocol", "must offer "+boardws.Subprotocol)
	}
	return p.Err()
}

// originPolicy decides which pages may open replays; it is the live
// boards' rule.
type originPolicy struct {
	allowed map[string]bool // normalized origins; empty: the request's host only
}

func newOriginPolicy(origins []string) originPolicy {
	p := originPolicy{allowed: map[string]bool{}}
	for _, o := range origins {
		if n, err := parseOrigin(o); err == nil {
			p.allowed[n] = true
		}
	}
	return p
}

// check returns a forbidding rejection unless r comes from an allowed
// origin, or from no browser at all (no Origin header).
func (p originPolicy) check(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" || p.allows(origin, r.Host) {
		return nil
	}
	return domain.Forbid(CodeOriginNotAllowed, "pages of origin %.100q may not open replays", origin)
}

func (p originPolicy) allows(origin, host string) bool {
	if len(p.allowed) > 0 {
		return p.allowed[strings.ToLower(origin)]
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}
