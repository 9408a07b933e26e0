package webui_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/replayws"
	"github.com/jointops/jointops/infra/webui"
	"github.com/jointops/jointops/projections"
)

// replayWorld is a small recorded history served with the replay: agencies
// A (DE, lead) and B (FR), their units, and four observations an hour
// apart — the second one A's AMBER+STRICT.
type replayWorld struct {
	url       string
	key       ed25519.PrivateKey
	op        domain.OperationID
	a, b      domain.AgencyID
	reports   []domain.ReportID // in log order; reports[1] is the secret
	texts     []string
	positions []string // the position of each report's event
	started   string   // the position of the activation, before any report
	recorded  []time.Time
}

// recorder accepts every read of history, as the audit would record it.
type recorder struct {
	mu    sync.Mutex
	reads []httpapi.HistoryRead
}

func (r *recorder) RecordHistoryRead(_ context.Context, _ commands.Principal, read httpapi.HistoryRead) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads = append(r.reads, read)
	return nil
}

func newReplayWorld(t *testing.T) *replayWorld {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	dir := t.TempDir()
	store := dt.Must(sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db"), Logger: quiet}))
	t.Cleanup(func() { _ = store.Close() })
	outc := dt.Must(eventlog.OpenOutcomes(ctx, filepath.Join(dir, "commands.db")))
	t.Cleanup(func() { _ = outc.Close() })
	codec := dt.Must(eventlog.NewCodec())
	handlers := dt.Must(commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: outc, Logger: quiet}))
	hist := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, Logger: quiet}))
	// An hour between events and no cap below it: at 1× nothing moves
	// until the test acts.
	replays := dt.Must(replayws.NewServer(replayws.Config{Logger: quiet, MaxGap: time.Hour}, hist))
	_, key := newKey(t)
	api := dt.Must(httpapi.New(httpapi.Config{
		Logger: quiet, TokenKey: key.Public().(ed25519.PublicKey), Commands: handlers,
		History: hist, HistoryRecorder: &recorder{}, Replay: replays,
	}))
	ui := dt.Must(webui.New(webui.Config{Logger: quiet}))
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/", ui)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = replays.Shutdown(c)
		srv.Close()
	})

	w := &replayWorld{url: srv.URL, key: key,
		op: dt.Must(domain.NewOperationID(uuid.New())), a: dt.Must(domain.NewAgencyID(uuid.New())), b: dt.Must(domain.NewAgencyID(uuid.New()))}
	units := map[domain.AgencyID]domain.UnitID{w.a: dt.Must(domain.NewUnitID(uuid.New())), w.b: dt.Must(domain.NewUnitID(uuid.New()))}
	clock := time.Now().Add(-24 * time.Hour).Truncate(time.Second).UTC()
	write := func(by domain.AgencyID, stream string, p domain.Payload) string {
		clock = clock.Add(time.Hour)
		ev := domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: clock, RecordedAt: clock,
			Actor: domain.Actor{Agency: by, Unit: units[by]}, Payload: p}
		data := dt.Must(codec.Encode(uuid.New(), ev, eventlog.Envelope{CommandID: uuid.New()}))
		res := dt.Must(store.Append(ctx, stream, eventstore.Any(), data))
		got := dt.Must(store.ReadStream(ctx, stream, eventstore.Forwards, res.NextExpectedRevision, 1))
		dec, _, err := codec.Decode(got[0])
		if err != nil {
			t.Fatal(err)
		}
		env := projections.Envelope{Position: got[0].Position.String(), Stream: stream, Revision: got[0].Revision, Event: dec}
		if err := hist.Projection().Apply(ctx, env); err != nil {
			t.Fatal(err)
		}
		return env.Position
	}
	for a, state := range map[domain.AgencyID]string{w.a: "DE", w.b: "FR"} {
		write(a, agency.Stream(a), &agency.Registered{AgencyID: a, State: dt.Must(domain.ParseStateCode(state)), Name: "Agency " + state, Kind: agency.KindPolice})
	}
	area := dt.Must(geo.NewPolygon(orb.Polygon{{{12, 47}, {14, 47}, {14, 49}, {12, 49}, {12, 47}}}))
	write(w.a, operation.Stream(w.op), &operation.Proposed{OperationID: w.op, Purpose: "Bridge watch", Lead: w.a, Participants: []domain.AgencyID{w.a, w.b},
		HostStates: []domain.StateCode{dt.Must(domain.ParseStateCode("DE"))}, Area: area,
		Period: dt.Must(domain.NewPeriod(clock, clock.Add(72*time.Hour))), ArrangementVersion: 1})
	for _, a := range []domain.AgencyID{w.a, w.b} {
		write(a, operation.Stream(w.op), &operation.Agreed{OperationID: w.op, Agency: a, ArrangementVersion: 1})
	}
	for _, a := range []domain.AgencyID{w.a, w.b} {
		write(a, operation.Stream(w.op), &operation.ResourceCheckedIn{OperationID: w.op, UnitID: units[a], Agency: a, Kind: operation.ResourceUnit, CallSign: "U-" + a.String()[:4], Personnel: 2})
	}
	w.started = write(w.a, operation.Stream(w.op), &operation.Activated{OperationID: w.op})
	eval := dt.Must(marking.ParseEvaluation("B2"))
	for i, r := range []struct {
		by   domain.AgencyID
		tlp  marking.TLP
		text string
	}{
		{w.a, marking.TLPGreen, "Van parked by the bridge"},
		{w.a, marking.TLPAmberStrict, "Informant meeting at the petrol station"},
		{w.b, marking.TLPGreen, "Van left towards the border"},
		{w.a, marking.TLPGreen, "Van stopped at the border crossing"},
	} {
		id := dt.Must(domain.NewReportID(uuid.New()))
		m := dt.Must(marking.New(marking.Spec{Originator: r.by, TLP: r.tlp, Evaluation: eval}))
		p := &fieldlog.ObservationReported{Header: fieldlog.Header{ReportID: id, OperationID: w.op, UnitID: units[r.by], Marking: m},
			Observation: fieldlog.Observation{Text: fmt.Sprintf("%s (%d)", r.text, i)}}
		w.positions = append(w.positions, write(r.by, fieldlog.Stream(w.op, units[r.by]), p))
		w.reports, w.texts, w.recorded = append(w.reports, id), append(w.texts, p.Observation.Text), append(w.recorded, clock)
	}
	return w
}

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, key
}

// token issues an investigator's token of agency a.
func (w *replayWorld) token(t *testing.T, a domain.AgencyID) string {
	t.Helper()
	now := time.Now()
	return dt.Must(auth.Sign(w.key, auth.Claims{Agency: a.String(), Subject: uuid.NewString(), Role: auth.Role("investigator"),
		IssuedAt: now, ExpiresAt: now.Add(time.Hour), ID: uuid.NewString()}))
}

func (w *replayWorld) shows(i int) string {
	return fmt.Sprintf(`document.querySelector('#reports [data-report="%s"]') !== null`, w.reports[i])
}

// TestReplayModeOfTheBoardPage: B's investigator opens the board page in
// replay mode from the first report: the page says REPLAY and as of when,
// shows the board of that moment, steps to B's own report (over A's
// AMBER+STRICT one), seeks back before any report, then plays to the end
// at max speed — and A's AMBER+STRICT report is never on the page nor in a
// frame of its WebSocket.
func TestReplayModeOfTheBoardPage(t *testing.T) {
	browserPath(t)
	w := newReplayWorld(t)
	tb := newTab(t, 1280, 900)
	frameCtx, stopFrames := context.WithCancel(tb.ctx)
	wire := frames(frameCtx)
	page := fmt.Sprintf("%s/?replay=1&speed=1&purpose=%s&from=%s#op=%s&token=%s", w.url, "case%20118", w.positions[0], w.op, w.token(t, w.b))
	tb.do(t, 30*time.Second, chromedp.Navigate(page))

	asOf := w.recorded[0].Format(time.RFC3339)
	waitFor(t, tb, 20*time.Second, "the replay at the first report", fmt.Sprintf(
		`(document.querySelector("#replay-banner")?.textContent ?? "").startsWith(%s) && %s && !(%s)`,
		jsString(t, "REPLAY — as of "+asOf), w.shows(0), w.shows(2)))

	tb.do(t, 5*time.Second, chromedp.Click(chromedp.ID("replay-play")))
	waitFor(t, tb, 5*time.Second, "paused", `document.querySelector("#replay-banner").dataset.state === "paused"`)
	tb.do(t, 5*time.Second, chromedp.Click(chromedp.ID("replay-step")))
	waitFor(t, tb, 5*time.Second, "B's report after one step", w.shows(2)+` && !(`+w.shows(3)+`) && globalThis.jointopsBoard.position === `+jsString(t, w.positions[2]))

	tb.do(t, 5*time.Second, chromedp.SetValue(chromedp.ID("replay-position"), w.started), chromedp.Click(chromedp.ID("replay-seek")))
	waitFor(t, tb, 5*time.Second, "the board before any report", `!(`+w.shows(0)+`) && globalThis.jointopsBoard.position === `+jsString(t, w.started))

	tb.do(t, 5*time.Second, chromedp.SetValue(chromedp.ID("replay-speed"), "max"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#replay-speed").dispatchEvent(new Event("change"))`))
	tb.do(t, 5*time.Second, chromedp.Click(chromedp.ID("replay-play")))
	waitFor(t, tb, 10*time.Second, "the end of the history", `document.querySelector("#replay-banner").dataset.state === "ended" && `+w.shows(3))

	stopFrames()
	frames := wire()
	text := pageText(t, tb)
	for what, got := range map[string]string{"B's page": text, "B's WebSocket frames": frames} {
		for _, leak := range []string{w.reports[1].String(), w.texts[1]} {
			if strings.Contains(got, leak) {
				t.Errorf("%s shows A's AMBER+STRICT report (%q)", what, leak)
			}
		}
	}
	if !strings.Contains(frames, w.texts[3]) {
		t.Error("the recorded frames lack the last report: the frame check proves nothing")
	}
	if !strings.Contains(text, "REPLAY — as of "+w.recorded[3].Format(time.RFC3339)) {
		t.Error("the banner does not say the replay is as of the last event")
	}
	tb.console.check(t, false)
}
