package webui

import (
	"net/http"
	"strings"
)

// securityHeaders sets the headers that confine the page: scripts, styles
// and connections from its own origin only (the live board's WebSocket on
// the same host included), no framing, no referrer (the page's URL may
// carry a token in its fragment, which browsers never send, but be sure),
// no sniffing.
func securityHeaders(h http.Header, host string) {
	connect := "'self'"
	if validHost(host) {
		connect += " ws://" + host + " wss://" + host
	}
	h.Set("Content-Security-Policy", strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"connect-src " + connect,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; "))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// validHost reports whether host is a plain host[:port] that may be
// written into the policy: letters, digits, dots, hyphens, a colon and the
// brackets of an IPv6 literal, nothing that could end a directive.
func validHost(host string) bool {
	if host == "" || len(host) > 255 {
		return false
	}
	for _, c := range host {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '-', c == ':', c == '[', c == ']':
		default:
			return false
		}
	}
	return true
}
