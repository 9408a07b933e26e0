package webui

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// static holds the page and its assets, exactly as served.
//
//go:embed static
var static embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// handler serves the board page.
type handler struct {
	cfg    Config
	assets map[string]asset // by URL path below the mount point: "/", "/assets/…"
	config []byte           // config.json
}

// pageConfig is the JSON of config.json: what the page may use besides
// the API.
type pageConfig struct {
	// DemoTokens is the path of the demo tokens endpoint; "" when none.
	DemoTokens string `json:"demo_tokens"`
}

// New returns the handler of the board page. Mount it at the root of the
// server ("/") or under a prefix that ends in a slash with
// http.StripPrefix; it serves
//
//	GET /               the page
//	GET /assets/…       its style sheet and JavaScript modules
//	GET /config.json    which optional features the server offers
//	GET /map.json       the states and borders to draw (Config.Map)
//
// and answers anything else with 404 (405 for other methods). The page
// calls the API at /v1 and the live boards at /v1/…/board/live on the same
// host.
func New(cfg Config) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	assets, err := loadAssets(static)
	if err != nil {
		return nil, err
	}
	conf, err := json.Marshal(pageConfig{DemoTokens: cfg.DemoTokensPath})
	if err != nil {
		return nil, fmt.Errorf("web ui: %w", err)
	}
	return &handler{cfg: cfg, assets: assets, config: conf}, nil
}

// loadAssets reads every embedded file once, with its type and ETag.
func loadAssets(root fs.FS) (map[string]asset, error) {
	sub, err := fs.Sub(root, "static")
	if err != nil {
		return nil, fmt.Errorf("web ui assets: %w", err)
	}
	out := map[string]asset{}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := asset{
			body:        body,
			contentType: contentType(name),
			etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		}
		out["/"+name] = a
		if name == "index.html" {
			out["/"] = a
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web ui assets: %w", err)
	}
	return out, nil
}

// contentType is the media type of an asset by its extension; JavaScript
// modules must be served as JavaScript or browsers refuse them.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header(), r.Host)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; p {
	case "/config.json":
		w.Header().Set("Cache-Control", "no-cache")
		writeBody(w, r, "application/json", h.config)
	case "/map.json":
		h.serveMap(w, r)
	default:
		a, ok := h.assets[p]
		if !ok || p == "/index.html" {
			http.NotFound(w, r)
			return
		}
		// Revalidated on every load (If-None-Match): the names carry no
		// version, and a new binary must never run an old script.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", a.etag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		writeBody(w, r, a.contentType, a.body)
	}
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// serveMap answers map.json from the map source. A failing source draws
// an empty map rather than breaking the board: the map is decoration
// around the board's own geometry.
func (h *handler) serveMap(w http.ResponseWriter, r *http.Request) {
	doc := mapDocument{States: []State{}}
	if h.cfg.Map != nil {
		ctx, cancel := context.WithTimeout(r.Context(), h.cfg.MapTimeout)
		defer cancel()
		states, err := h.cfg.Map.States(ctx)
		if err != nil {
			h.cfg.Logger.WarnContext(r.Context(), "web ui: map source failed", "err", err)
		} else if states != nil {
			doc.States = states
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "web ui: encode map", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeBody(w, r, "application/json", body)
}

// writeBody writes a complete 200 response (headers only for HEAD).
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
