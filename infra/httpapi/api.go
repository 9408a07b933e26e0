package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/jointops/jointops/commands"
)

// serveFunc serves one authenticated request; an error it returns is
// answered as a problem by writeError.
type serveFunc func(w http.ResponseWriter, r *http.Request, p commands.Principal) error

// route is one endpoint of the API.
type route struct {
	method  string
	pattern string // a net/http pattern path, such as /v1/operations/{operation}/activate
	serve   serveFunc
}

// api holds what every endpoint shares.
type api struct {
	cfg     Config
	authn   *authenticator
	limiter *limiter
	cmds    *commands.Handlers
	mux     *http.ServeMux
}

// New returns the handler of the whole HTTP API: health, the /v1 command
// and read endpoints, and problem answers for unknown routes.
func New(cfg Config) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("http api: %w", err)
	}
	a := &api{
		cfg:     cfg,
		authn:   newAuthenticator(cfg.TokenKey, cfg.Now),
		limiter: newLimiter(cfg.RateLimit, cfg.RateBurst, cfg.Now),
		cmds:    cfg.Commands,
		mux:     http.NewServeMux(),
	}
	a.mux.HandleFunc("GET /healthz", cfg.Health.Live)
	a.mux.HandleFunc("GET /readyz", cfg.Health.Ready)
	for _, rt := range a.routes() {
		a.mux.Handle(rt.method+" "+rt.pattern, a.secure(rt.serve))
	}
	for _, rt := range a.adminRoutes() {
		a.mux.Handle(rt.method+" "+rt.pattern, a.secure(rt.serve))
	}
	for _, rt := range a.boardRoutes() {
		a.mux.Handle(rt.method+" "+rt.pattern, a.secureBoard(rt.serve))
	}
	for _, rt := range a.replayRoutes() {
		a.mux.Handle(rt.method+" "+rt.pattern, a.secureBoard(rt.serve))
	}
	return logRequests(cfg.Logger, a), nil
}

// registeredRoutes lists every /v1 endpoint as "METHOD pattern";
// docs/API.md documents exactly these.
func registeredRoutes() []string {
	var a api
	rs := a.routes()
	out := make([]string, len(rs))
	for i, rt := range rs {
		out[i] = rt.method + " " + rt.pattern
	}
	return out
}

// ServeHTTP routes the request, answering unknown paths and methods with a
// problem rather than the mux's plain text.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := a.mux.Handler(r)
	if pattern != "" {
		a.mux.ServeHTTP(w, r)
		return
	}
	// Ask the mux's own answer (404, or 405 with its Allow header) without
	// sending it.
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		allow := probe.header.Get("Allow")
		w.Header().Set("Allow", allow)
		writeError(w, r, a.cfg.Logger, fmt.Errorf("%w: %s %s (allowed: %s)", errMethodNotAllowed, r.Method, r.URL.Path, allow))
		return
	}
	writeError(w, r, a.cfg.Logger, fmt.Errorf("%w: %s", errRouteNotFound, r.URL.Path))
}

// secure authenticates and rate-limits a request before serving it, and
// answers every error as a problem.
func (a *api) secure(serve serveFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.serveSecure(w, r, serve); err != nil {
			writeError(w, r, a.cfg.Logger, err)
		}
	})
}

func (a *api) serveSecure(w http.ResponseWriter, r *http.Request, serve serveFunc) error {
	claims, err := a.authn.claims(r)
	if err != nil {
		return err
	}
	p, err := principalOf(claims)
	if err != nil {
		return err
	}
	key := strings.Join([]string{claims.Agency, claims.Subject}, "/")
	if ok, retry := a.limiter.allow(key); !ok {
		return &rateLimitedError{retryAfter: retry}
	}
	return serve(w, r, p)
}

// headerProbe is a ResponseWriter that keeps the status and headers and
// drops the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }
