package webui_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/infra/webui"
)

func newHandler(t *testing.T, cfg webui.Config) http.Handler {
	t.Helper()
	h, err := webui.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func serve(h http.Handler, method, target string, header http.Header) *http.Response {
	r := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		r.Header[k] = vs
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestHandlerServesThePageAndItsAssets(t *testing.T) {
	h := newHandler(t, webui.Config{})
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		contains    string
	}{
		{name: "page", method: "GET", path: "/", status: 200, contentType: "text/html; charset=utf-8", contains: `<script type="module" src="assets/js/main.js">`},
		{name: "style sheet", method: "GET", path: "/assets/board.css", status: 200, contentType: "text/css; charset=utf-8", contains: ".conn"},
		{name: "main module", method: "GET", path: "/assets/js/main.js", status: 200, contentType: "text/javascript; charset=utf-8", contains: "LiveBoard"},
		{name: "delta module", method: "GET", path: "/assets/js/apply.js", status: 200, contentType: "text/javascript; charset=utf-8", contains: "export function applyDelta"},
		{name: "head of the page", method: "HEAD", path: "/", status: 200, contentType: "text/html; charset=utf-8"},
		{name: "config", method: "GET", path: "/config.json", status: 200, contentType: "application/json", contains: `"demo_tokens":""`},
		{name: "empty map", method: "GET", path: "/map.json", status: 200, contentType: "application/json", contains: `{"states":[]}`},
		{name: "index only at the root", method: "GET", path: "/index.html", status: 404},
		{name: "unknown asset", method: "GET", path: "/assets/js/nope.js", status: 404},
		{name: "directory", method: "GET", path: "/assets/", status: 404},
		{name: "unknown path", method: "GET", path: "/v2/anything", status: 404},
		{name: "post", method: "POST", path: "/", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(h, tt.method, tt.path, nil)
			got := body(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.contentType != "" && res.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), tt.contentType)
			}
			if !strings.Contains(got, tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
			if tt.method == "HEAD" && got != "" {
				t.Errorf("HEAD answered a body of %d bytes", len(got))
			}
			if tt.status == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q", res.Header.Get("Allow"))
			}
		})
	}
}

func TestHandlerConfinesThePage(t *testing.T) {
	h := newHandler(t, webui.Config{})
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "board.example.org:8443"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self' ws://board.example.org:8443 wss://board.example.org:8443", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}

	// A Host that could end a directive is not written into the policy.
	r = httptest.NewRequest("GET", "/", nil)
	r.Host = "evil; script-src *"
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if csp := w.Result().Header.Get("Content-Security-Policy"); strings.Contains(csp, "evil") || !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("policy with a hostile Host: %q", csp)
	}
}

func TestHandlerRevalidatesAssetsWithETags(t *testing.T) {
	h := newHandler(t, webui.Config{})
	first := serve(h, "GET", "/assets/js/apply.js", nil)
	etag := first.Header.Get("ETag")
	if etag == "" || first.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, first.Header.Get("Cache-Control"))
	}
	tests := []struct {
		name   string
		match  string
		status int
	}{
		{name: "same version", match: etag, status: http.StatusNotModified},
		{name: "weak form, in a list", match: `"other", W/` + etag, status: http.StatusNotModified},
		{name: "another version", match: `"other"`, status: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(h, "GET", "/assets/js/apply.js", http.Header{"If-None-Match": {tt.match}})
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
		})
	}
	if other := serve(h, "GET", "/assets/js/main.js", nil).Header.Get("ETag"); other == etag {
		t.Errorf("two assets share the ETag %s", etag)
	}
}

func TestHandlerConfigNamesTheDemoTokens(t *testing.T) {
	h := newHandler(t, webui.Config{DemoTokensPath: "/demo/tokens"})
	var got struct {
		DemoTokens string `json:"demo_tokens"`
	}
	if err := json.Unmarshal([]byte(body(t, serve(h, "GET", "/config.json", nil))), &got); err != nil {
		t.Fatal(err)
	}
	if got.DemoTokens != "/demo/tokens" {
		t.Errorf("demo_tokens %q", got.DemoTokens)
	}
}

// failingMap is a map source that is down.
type failingMap struct{}

func (failingMap) States(context.Context) ([]webui.State, error) {
	return nil, errors.New("reference data unavailable")
}

// slowMap is a map source that answers only when its context ends.
type slowMap struct{}

func (slowMap) States(ctx context.Context) ([]webui.State, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestHandlerServesTheMap(t *testing.T) {
	territory := dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{{12, 47}, {13, 47}, {13, 48}, {12, 48}, {12, 47}}}}))
	border := dt.Must(geo.NewLine(orb.LineString{{13, 47}, {13, 48}}))
	states := webui.StaticMap{{
		Code: dt.State("DE"), Name: "Germany", Territory: territory,
		Borders: []webui.Border{{Neighbour: dt.State("AT"), Line: border}},
	}}
	tests := []struct {
		name string
		src  webui.MapSource
		want string
	}{
		{name: "no source", src: nil, want: `{"states":[]}`},
		{name: "static states", src: states, want: `{"states":[{"code":"DE","name":"Germany","territory":{"type":"MultiPolygon","coordinates":[[[[12,47],[13,47],[13,48],[12,48],[12,47]]]]},"borders":[{"neighbour":"AT","line":{"type":"LineString","coordinates":[[13,47],[13,48]]}}]}]}`},
		{name: "failing source draws no states", src: failingMap{}, want: `{"states":[]}`},
		{name: "slow source times out", src: slowMap{}, want: `{"states":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(t, webui.Config{Map: tt.src, MapTimeout: 50 * time.Millisecond})
			res := serve(h, "GET", "/map.json", nil)
			if got := body(t, res); res.StatusCode != 200 || got != tt.want {
				t.Errorf("map.json: %d %s\nwant %s", res.StatusCode, got, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  webui.Config
		bad  []string
	}{
		{name: "defaults", cfg: webui.Config{}},
		{name: "demo tokens path", cfg: webui.Config{DemoTokensPath: "/demo/tokens"}},
		{name: "relative path", cfg: webui.Config{DemoTokensPath: "demo/tokens"}, bad: []string{"demo tokens path"}},
		{name: "another origin", cfg: webui.Config{DemoTokensPath: "//evil.example/tokens"}, bad: []string{"demo tokens path"}},
		{name: "quote", cfg: webui.Config{DemoTokensPath: `/demo"tokens`}, bad: []string{"demo tokens path"}},
		{name: "negative timeout and bad path", cfg: webui.Config{DemoTokensPath: "x", MapTimeout: -time.Second}, bad: []string{"demo tokens path", "map timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webui.New(tt.cfg)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted %+v", tt.cfg)
			}
			for _, b := range tt.bad {
				if !strings.Contains(err.Error(), b) {
					t.Errorf("error %q does not name %q", err, b)
				}
			}
		})
	}
}

func TestDemoTokensHandler(t *testing.T) {
	list := webui.DemoTokens{
		Operation: dt.Operation(1),
		Tokens: []webui.DemoToken{{
			Agency: dt.Agency(2), AgencyName: "Austrian police", State: dt.State("AT"),
			Role: "field_unit", Subject: dt.Unit(7).String(), Label: "AT-7", Token: "jo1.x.y",
		}},
	}
	h, err := webui.DemoTokensHandler(list)
	if err != nil {
		t.Fatalf("DemoTokensHandler: %v", err)
	}
	res := serve(h, "GET", "/demo/tokens", nil)
	var got webui.DemoTokens
	if err := json.Unmarshal([]byte(body(t, res)), &got); err != nil {
		t.Fatal(err)
	}
	if res.Header.Get("Cache-Control") != "no-store" || got.Operation != list.Operation || len(got.Tokens) != 1 || got.Tokens[0] != list.Tokens[0] {
		t.Errorf("demo tokens: %s %+v", res.Header.Get("Cache-Control"), got)
	}
	if res := serve(h, "POST", "/demo/tokens", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", res.StatusCode)
	}
	if _, err := webui.DemoTokensHandler(webui.DemoTokens{Tokens: []webui.DemoToken{{Role: "observer", Token: "t"}}}); err == nil {
		t.Error("a token without an agency was accepted")
	}
}
