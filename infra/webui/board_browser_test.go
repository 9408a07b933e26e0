package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The board page in a real browser against a real server: what a command
// center sees.

// updateScreenshotEnv rewrites docs/board.png from the board test.
const updateScreenshotEnv = "JOINTOPS_UPDATE_SCREENSHOT"

// env is a running server with its world, ready for pages.
type env struct {
	cfg   serverConfig
	srv   *server
	api   *api
	world *world
}

// newEnv starts a server as `jointops serve --demo` would run it: with
// the map of its states and the demo token list.
func newEnv(t *testing.T) *env { return startEnv(t, true) }

// startEnv starts a server with the world, with or without the demo token
// list.
func startEnv(t *testing.T, demo bool) *env {
	t.Helper()
	browserPath(t) // skip before starting anything
	cfg := newServerConfig(t)
	cfg.maps = worldMap()
	if demo {
		cfg.demo = &demoTokens{}
	}
	srv := startServer(t, cfg)
	a := newAPI(t, srv.url(), cfg.key)
	w := buildWorld(t, a)
	if demo {
		cfg.demo.set(t, w.demoTokens())
	}
	return &env{cfg: cfg, srv: srv, api: a, world: w}
}

// open loads the board page in the tab as the principals (the first in
// use) and waits until it is live and shows the operation.
func (e *env) open(t *testing.T, tb *tab, ps ...principal) {
	t.Helper()
	tb.do(t, 30*time.Second, chromedp.Navigate(e.world.pageURL(e.srv.url(), ps...)))
	waitFor(t, tb, 20*time.Second, "the board live with its units", `document.querySelector("#conn").dataset.state === "live" && document.querySelectorAll("#units tbody tr").length > 0`)
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, tb *tab, timeout time.Duration, what, cond string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		state := eval[string](t, tb, 5*time.Second, `document.querySelector("#conn")?.textContent ?? "no page"`)
		t.Fatalf("waiting %s for %s (connection: %s): %v", timeout, what, state, err)
	}
}

// switchPrincipal views the tab's board as p with the agency switcher, as
// a user does, and waits for p's board.
func switchPrincipal(t *testing.T, tb *tab, p principal) {
	t.Helper()
	tb.do(t, 10*time.Second, chromedp.SetValue(chromedp.ID("principal"), p.token),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#principal").dispatchEvent(new Event("change"))`))
	waitFor(t, tb, 10*time.Second, p.role+"'s board", fmt.Sprintf(
		`globalThis.jointopsBoard.principal?.subject === %s && document.querySelector("#conn").dataset.state === "live" && document.querySelectorAll("#units tbody tr").length > 0`,
		jsString(t, p.subject.String())))
}

// pageText is everything the page shows, and the markup around it.
func pageText(t *testing.T, tb *tab) string {
	t.Helper()
	return eval[string](t, tb, 10*time.Second, `document.documentElement.outerHTML + JSON.stringify(globalThis.jointopsBoard.view)`)
}

// TestBoardShowsAReportWithinASecond: a report accepted by the API is on
// the page within a second — in the reports list, the significant events
// and on the map — with no console error; the board's screenshot is kept.
func TestBoardShowsAReportWithinASecond(t *testing.T) {
	e := newEnv(t)
	populate(t, e.api, e.world)
	tb := newTab(t, 1600, 1000)
	e.open(t, tb) // with the demo tokens only: as the lead agency's observer
	waitFor(t, tb, 10*time.Second, "the tracks and incidents", `document.querySelectorAll(".map .unit-marker").length === 5 && document.querySelectorAll(".map .incident").length === 3`)

	text := fmt.Sprintf("Black motorbike, no plates, heading to the bridge (%d)", time.Now().UnixNano())
	id := e.world.observe(e.api, "AT-7", "AMBER", text, 47.67, 13.05)
	accepted := time.Now()
	waitFor(t, tb, 5*time.Second, "the new report", fmt.Sprintf(`document.querySelector('#reports [data-report="%s"]') !== null`, id))
	if took := time.Since(accepted); took > time.Second {
		t.Errorf("the report took %s to show after the API accepted it, want at most 1s", took.Round(time.Millisecond))
	} else {
		t.Logf("the report showed %s after the API accepted it", took.Round(time.Millisecond))
	}
	shown := pageText(t, tb)
	for _, where := range []string{`#reports [data-report="` + id + `"]`, `.map [data-report="` + id + `"]`} {
		if !eval[bool](t, tb, 5*time.Second, fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(t, where))) {
			t.Errorf("the report is not at %s", where)
		}
	}
	if !strings.Contains(shown, "Observation: "+text) {
		t.Error("the significant-events log does not show the report")
	}
	if got := eval[string](t, tb, 5*time.Second, `document.querySelector("#no-flags")?.textContent ?? ""`); got != "No flags." {
		t.Errorf("compliance flags: %q, want No flags.", got)
	}
	e.flagShows(t, tb, "AT-7", id)

	png := screenshot(t, tb)
	saveArtifact(t, "board.png", png)
	if os.Getenv(updateScreenshotEnv) == "1" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "board.png"), png, 0o644); err != nil {
			t.Fatalf("update docs/board.png: %v", err)
		}
		t.Log("wrote docs/board.png")
	}
	// The same board on a laptop and on a phone, for people to look at.
	for _, v := range []struct {
		name          string
		width, height int64
	}{{"board-laptop.png", 1280, 800}, {"board-phone.png", 412, 900}} {
		tb.do(t, 10*time.Second, chromedp.EmulateViewport(v.width, v.height))
		saveArtifact(t, v.name, screenshot(t, tb))
	}
	tb.console.check(t, false)
}

// screenshot takes the whole page, after the next frame is painted.
func screenshot(t *testing.T, tb *tab) []byte {
	t.Helper()
	nextFrame(t, tb)
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return png
}

// nextFrame waits until the page painted its pending changes.
func nextFrame(t *testing.T, tb *tab) {
	t.Helper()
	eval[bool](t, tb, 5*time.Second, `new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`)
}

// frames records the WebSocket frames a tab receives until ctx ends; the
// function it returns waits for that and returns them.
func frames(ctx context.Context) func() string {
	events := chromedp.Events(ctx, network.WebSocketFrameReceived)
	var all strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			all.Write(ev.Response.PayloadData)
			all.WriteByte('\n')
		}
	}()
	return func() string {
		// The iterator ends with the context; read what it kept.
		<-done
		return all.String()
	}
}

// TestAgencyNeverSeesAnotherAgencysStrictReport: a report marked
// AMBER+STRICT by agency AT reaches AT's board and never agency DE's — not
// on its page, not in its board, not in a frame of its WebSocket — while
// a CLEAR report filed after it does reach DE; switching the same tab
// from AT to DE shows exactly DE's view.
func TestAgencyNeverSeesAnotherAgencysStrictReport(t *testing.T) {
	e := newEnv(t)
	de := newTab(t, 1280, 900)
	frameCtx, stopFrames := context.WithCancel(de.ctx)
	deFrames := frames(frameCtx)
	e.open(t, de, e.world.observer[agencyDE])
	at := newTab(t, 1280, 900)
	e.open(t, at, e.world.observer[agencyAT], e.world.observer[agencyDE])

	secret := fmt.Sprintf("Informant meeting at the Braunau petrol station (%d)", time.Now().UnixNano())
	secretID := e.world.observe(e.api, "AT-7", "AMBER+STRICT", secret, 47.65, 13.04)
	clear := fmt.Sprintf("Road block lifted on the B20 (%d)", time.Now().UnixNano())
	clearID := e.world.observe(e.api, "AT-7", "CLEAR", clear, 47.66, 13.06)

	waitFor(t, at, 5*time.Second, "AT's own strict report", fmt.Sprintf(`document.querySelector('#reports [data-report="%s"]') !== null`, secretID))
	waitFor(t, de, 5*time.Second, "the clear report filed after it", fmt.Sprintf(`document.querySelector('#reports [data-report="%s"]') !== null`, clearID))
	stopFrames()
	wire := deFrames()
	for what, got := range map[string]string{"DE's page": pageText(t, de), "DE's WebSocket frames": wire} {
		for _, leak := range []string{secretID, secret} {
			if strings.Contains(got, leak) {
				t.Errorf("%s shows AT's AMBER+STRICT report (%q)", what, leak)
			}
		}
	}
	if !strings.Contains(wire, clearID) {
		t.Error("the recorded frames lack the clear report: the frame check proves nothing")
	}

	// The switcher: the same tab now views as DE.
	switchPrincipal(t, at, e.world.observer[agencyDE])
	waitFor(t, at, 10*time.Second, "DE's view after switching", fmt.Sprintf(`document.querySelector('#reports [data-report="%s"]') !== null`, clearID))
	if got := pageText(t, at); strings.Contains(got, secretID) || strings.Contains(got, secret) {
		t.Error("after switching to DE, the page still shows AT's AMBER+STRICT report")
	}
	de.console.check(t, false)
	at.console.check(t, false)
}

// TestBoardReconnectsAndCatchesUpAfterARestart: the server dies under the
// page, a report is recorded while it is down, the server comes back; the
// page reconnects by itself (no reload), resumes after its last position
// with exactly the missed deltas (no new snapshot), shows the report once,
// and ends with the board the server holds.
func TestBoardReconnectsAndCatchesUpAfterARestart(t *testing.T) {
	e := newEnv(t)
	populate(t, e.api, e.world)
	tb := newTab(t, 1280, 900)
	e.open(t, tb, e.world.observer[agencyDE])
	eval[bool](t, tb, 5*time.Second, `(window.__sameDocument = true)`)
	before := eval[int](t, tb, 5*time.Second, `globalThis.jointopsBoard.snapshots`)

	e.srv.kill()
	waitFor(t, tb, 10*time.Second, "the page to notice", `["reconnecting", "offline"].includes(document.querySelector("#conn").dataset.state)`)

	// Recorded while the page's server is down, by another node over the
	// same log.
	other := e.cfg
	other.addr = "127.0.0.1:0"
	node := startServer(t, other)
	text := fmt.Sprintf("Recorded while the board server was down (%d)", time.Now().UnixNano())
	id := e.world.observe(newAPI(t, node.url(), e.cfg.key), "DE-12", "GREEN", text, 47.70, 12.99)
	node.kill()

	e.srv = e.srv.restart(t, e.cfg)
	waitFor(t, tb, 30*time.Second, "the report after the restart", fmt.Sprintf(
		`document.querySelector("#conn").dataset.state === "live" && document.querySelector('#reports [data-report="%s"]') !== null`, id))
	if !eval[bool](t, tb, 5*time.Second, `window.__sameDocument === true`) {
		t.Fatal("the page was reloaded")
	}
	if after := eval[int](t, tb, 5*time.Second, `globalThis.jointopsBoard.snapshots`); after != before {
		t.Errorf("the page took %d new snapshots: it did not resume with the missed deltas", after-before)
	}
	if n := eval[int](t, tb, 5*time.Second, fmt.Sprintf(`document.querySelectorAll('#reports [data-report="%s"]').length`, id)); n != 1 {
		t.Errorf("the report shows %d times", n)
	}
	// The page's board is the server's.
	var want struct {
		Position string          `json:"position"`
		Board    json.RawMessage `json:"board"`
	}
	if code := e.api.get(e.world.observer[agencyDE], "/v1/operations/"+e.world.operation.String()+"/board", &want); code != 200 {
		t.Fatalf("GET board: %d", code)
	}
	waitFor(t, tb, 5*time.Second, "the page at the server's position", fmt.Sprintf(`globalThis.jointopsBoard.position === %s`, jsString(t, want.Position)))
	got := eval[string](t, tb, 5*time.Second, `JSON.stringify(globalThis.jointopsBoard.view)`)
	if path, w, g := firstDifference(t, want.Board, []byte(got)); path != "" {
		t.Errorf("the page's board differs from the server's at %s\n  server: %s\n  page:   %s", path, w, g)
	}
	tb.console.check(t, true)
}

// TestBoardShowsHowFarBehindItIs: heartbeats that say the boards are
// behind the log show as "n behind", and "live" once they caught up.
func TestBoardShowsHowFarBehindItIs(t *testing.T) {
	e := newEnv(t)
	tb := newTab(t, 1280, 900)
	e.open(t, tb, e.world.observer[agencyAT])
	e.srv.behind.Store(7)
	waitFor(t, tb, 5*time.Second, "7 behind", `document.querySelector("#conn").textContent === "7 behind"`)
	e.srv.behind.Store(0)
	waitFor(t, tb, 5*time.Second, "live again", `document.querySelector("#conn").textContent === "live"`)
	tb.console.check(t, false)
}

// TestBoardFormsSubmitReportsAndTasks: a commander issues a task with the
// page's form; the tasked unit sees it, acknowledges it with the page's
// button, and submits an observation with the report form, its point
// taken from a click on the map.
func TestBoardFormsSubmitReportsAndTasks(t *testing.T) {
	e := newEnv(t)
	populate(t, e.api, e.world)
	tb := newTab(t, 1600, 1000)
	unit := e.world.units["AT-9"]
	e.open(t, tb, e.world.commander[agencyAT], unit)

	objective := fmt.Sprintf("Search the riverbank north of the bridge (%d)", time.Now().UnixNano())
	waitFor(t, tb, 5*time.Second, "the task form", `!document.querySelector("#task-panel").hidden && document.querySelector("#task-unit").options.length === 5`)
	tb.do(t, 10*time.Second,
		chromedp.SetValue(chromedp.ID("task-unit"), unit.subject.String()),
		chromedp.SendKeys(chromedp.ID("task-objective"), objective),
		chromedp.Click(chromedp.CSS("#task-form button[type=submit]")),
	)
	waitFor(t, tb, 5*time.Second, "the issued task", fmt.Sprintf(`[...document.querySelectorAll("#tasks .task-objective")].some((e) => e.textContent === %s)`, jsString(t, objective)))
	waitFor(t, tb, 5*time.Second, "the task form's answer", `document.querySelector("#task-result").textContent.startsWith("Task issued at position")`)

	// Now as the unit.
	switchPrincipal(t, tb, unit)
	waitFor(t, tb, 10*time.Second, "the report form and the acknowledge button", `!document.querySelector("#report-panel").hidden && document.querySelector("#tasks button.ack") !== null`)
	tb.do(t, 10*time.Second, chromedp.Click(chromedp.CSS("#tasks button.ack")))
	waitFor(t, tb, 5*time.Second, "the acknowledgement", fmt.Sprintf(
		`[...document.querySelectorAll("#tasks .task")].some((e) => e.textContent.includes(%s) && e.textContent.includes("acknowledged (revision 1)"))`, jsString(t, objective)))

	text := fmt.Sprintf("Footprints in the snow along the riverbank (%d)", time.Now().UnixNano())
	tb.do(t, 10*time.Second,
		chromedp.Click(chromedp.CSS(".map .area")),
		chromedp.SendKeys(chromedp.ID("report-text"), text),
		chromedp.SetValue(chromedp.ID("report-tlp"), "GREEN"),
	)
	lat := eval[string](t, tb, 5*time.Second, `document.querySelector("#report-lat").value`)
	lon := eval[string](t, tb, 5*time.Second, `document.querySelector("#report-lon").value`)
	if lat == "" || lon == "" {
		t.Fatalf("a click on the map did not set the point: %q, %q", lat, lon)
	}
	tb.do(t, 10*time.Second, chromedp.Click(chromedp.CSS("#report-form button[type=submit]")))
	waitFor(t, tb, 5*time.Second, "the submitted report", fmt.Sprintf(`[...document.querySelectorAll("#reports li")].some((e) => e.textContent.includes(%s))`, jsString(t, text)))
	waitFor(t, tb, 5*time.Second, "the report form's answer", `document.querySelector("#report-result").textContent.startsWith("Report recorded at position")`)
	tb.console.check(t, false)
}

// TestBoardSignsInWithAPastedToken: a server without a demo offers no
// tokens; the page asks for one, says when the server refuses it, and
// opens the board with one it accepts.
func TestBoardSignsInWithAPastedToken(t *testing.T) {
	e := startEnv(t, false)
	tb := newTab(t, 1280, 900)
	tb.do(t, 30*time.Second, chromedp.Navigate(e.srv.url()+"/"))
	waitFor(t, tb, 10*time.Second, "the sign-in form", `!document.querySelector("#signin").hidden && document.querySelector("#conn").dataset.state === "refused"`)

	forged := e.api.token(e.world.agencies[agencyAT], e.world.observer[agencyAT].subject, "observer")
	forged.token = forged.token[:len(forged.token)-4] + "AAAA" // the signature no longer verifies
	signIn := func(p principal) {
		tb.do(t, 10*time.Second,
			chromedp.SendKeys(chromedp.ID("signin-token"), p.token),
			chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
		)
	}
	signIn(forged)
	waitFor(t, tb, 10*time.Second, "the refusal", `document.querySelector("#conn").dataset.state === "refused" && document.querySelector("#conn").textContent.includes("not connected")`)

	tb.do(t, 10*time.Second, chromedp.Click(chromedp.ID("forget")))
	waitFor(t, tb, 10*time.Second, "the sign-in form again", `!document.querySelector("#signin").hidden`)
	signIn(e.world.observer[agencyAT])
	waitFor(t, tb, 10*time.Second, "the board", `document.querySelector("#conn").dataset.state === "live" && document.querySelectorAll("#units tbody tr").length === 5`)
	if got := eval[string](t, tb, 5*time.Second, `sessionStorage.getItem("jointops.board.tokens")`); strings.Contains(got, forged.token) {
		t.Error("the forgotten token is still in the tab's storage")
	}
	tb.console.check(t, true) // the refused request is a network error by design
}
