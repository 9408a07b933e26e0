package replayws_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/replayws"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Agencies A (DE, lead) and B (FR) take part in opID.
var (
	opID = dt.Operation(1)
	agA  = dt.Agency(1)
	agB  = dt.Agency(2)

	unitOf  = map[domain.AgencyID]domain.UnitID{agA: dt.Unit(1), agB: dt.Unit(2)}
	stateOf = map[domain.AgencyID]domain.StateCode{agA: dt.State("DE"), agB: dt.State("FR")}

	b2   = dt.Must(marking.ParseEvaluation("B2"))
	area = dt.Must(geo.NewPolygon(orb.Polygon{{{6, 47}, {8, 47}, {8, 49}, {6, 49}, {6, 47}}}))
)

// secretText is the observation A marks AMBER+STRICT: B must never see it.
const secretText = "informant meeting at the bridge"

func mark(originator domain.AgencyID, tlp marking.TLP) marking.Marking {
	return dt.Must(marking.New(marking.Spec{Originator: originator, TLP: tlp, Evaluation: b2}))
}

// fixture is a real SQLite log, the envelopes written to it in log order,
// and the history index over it.
type fixture struct {
	t       testing.TB
	store   *sqlite.Store
	codec   *eventlog.Codec
	history *history.History
	envs    []projections.Envelope
	clock   time.Time
	reports uint64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "events.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	codec := dt.Must(eventlog.NewCodec())
	h, err := history.New(history.Config{Reader: store, Decoder: codec, SnapshotEvery: 50, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, store: store, codec: codec, history: h, clock: dt.T0()}
}

// add appends payloads by agency by, each recorded gap after the previous
// event, and feeds them to the history index.
func (f *fixture) add(by domain.AgencyID, gap time.Duration, ps ...domain.Payload) {
	f.t.Helper()
	ctx := context.Background()
	for _, p := range ps {
		f.clock = f.clock.Add(gap)
		ev := domain.Event{
			Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: f.clock, RecordedAt: f.clock,
			Actor: domain.Actor{Agency: by, Unit: unitOf[by]}, Payload: p,
		}
		n := uint64(len(f.envs) + 1)
		data, err := f.codec.Encode(dt.UUID(1_000_000+n), ev, eventlog.Envelope{CommandID: dt.UUID(2_000_000 + n)})
		if err != nil {
			f.t.Fatal(err)
		}
		stream := streamOf(p)
		res, err := f.store.Append(ctx, stream, eventstore.Any(), data)
		if err != nil {
			f.t.Fatal(err)
		}
		got, err := f.store.ReadStream(ctx, stream, eventstore.Forwards, res.NextExpectedRevision, 1)
		if err != nil || len(got) != 1 {
			f.t.Fatalf("read back: %v", err)
		}
		dec, _, err := f.codec.Decode(got[0])
		if err != nil {
			f.t.Fatal(err)
		}
		env := projections.Envelope{Position: got[0].Position.String(), Stream: got[0].Stream, Revision: got[0].Revision, Event: dec}
		if err := f.history.Projection().Apply(ctx, env); err != nil {
			f.t.Fatal(err)
		}
		f.envs = append(f.envs, env)
	}
}

func streamOf(p domain.Payload) string {
	switch e := p.(type) {
	case *agency.Registered:
		return agency.Stream(e.AgencyID)
	case fieldlog.Report:
		return fieldlog.Stream(e.Head().OperationID, e.Head().UnitID)
	}
	return operation.Stream(projections.PayloadOperation(p))
}

// running adds the operation's start: A and B registered, opID proposed
// by A, agreed by both, active, a unit of each checked in.
func (f *fixture) running() *fixture {
	for _, a := range []domain.AgencyID{agA, agB} {
		f.add(a, time.Second, &agency.Registered{AgencyID: a, State: stateOf[a], Name: "Agency " + a.String()[:4], Kind: agency.KindPolice})
	}
	f.add(agA, time.Second, &operation.Proposed{
		OperationID: opID, Purpose: "Joint patrol", Lead: agA, Participants: []domain.AgencyID{agA, agB},
		HostStates: []domain.StateCode{dt.State("DE"), dt.State("FR")}, Area: area,
		Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	for _, a := range []domain.AgencyID{agA, agB} {
		f.add(a, time.Second, &operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: 1})
	}
	f.add(agA, time.Second, &operation.Activated{OperationID: opID})
	for _, a := range []domain.AgencyID{agA, agB} {
		f.add(a, time.Second, &operation.ResourceCheckedIn{OperationID: opID, UnitID: unitOf[a], Agency: a, Kind: operation.ResourceUnit, CallSign: "U" + a.String()[:2], Personnel: 2})
	}
	return f
}

// observe adds an observation of agency by with the marking tlp.
func (f *fixture) observe(by domain.AgencyID, gap time.Duration, tlp marking.TLP, text string) {
	f.reports++
	f.add(by, gap, &fieldlog.ObservationReported{
		Header:      fieldlog.Header{ReportID: dt.Report(f.reports), OperationID: opID, UnitID: unitOf[by], Marking: mark(by, tlp)},
		Observation: fieldlog.Observation{Text: text},
	})
}

// move adds a GREEN position report of agency by.
func (f *fixture) move(by domain.AgencyID, gap time.Duration, lat float64) {
	f.reports++
	f.add(by, gap, &fieldlog.PositionReported{
		Header:   fieldlog.Header{ReportID: dt.Report(f.reports), OperationID: opID, UnitID: unitOf[by], Marking: mark(by, marking.TLPGreen)},
		Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(lat, 7.1)), Source: fieldlog.SourceGPS},
	})
}

// story is the running operation with reports of both agencies, one of
// them A's AMBER+STRICT observation.
func (f *fixture) story() *fixture {
	f.running()
	f.move(agA, time.Second, 48.1)
	f.move(agB, time.Second, 48.2)
	f.observe(agA, time.Second, marking.TLPAmberStrict, secretText)
	f.observe(agB, time.Second, marking.TLPGreen, "car parked")
	f.move(agA, time.Second, 48.3)
	f.observe(agA, time.Second, marking.TLPGreen, "moving north")
	return f
}

// reference is opID's board as agency saw it after the first n envelopes,
// folded from the envelopes alone.
func (f *fixture) reference(n int, a domain.AgencyID) board.View {
	f.t.Helper()
	b := dt.Must(board.New(opID, board.Config{}))
	dir := projections.NewDirectory()
	r := projections.NewRouter()
	for _, env := range f.envs[:n] {
		dir.Apply(env.Event.Payload)
		if got, ok := r.Route(env); ok && got == opID {
			b.Fold(env)
		}
	}
	return b.View(dir.Viewer(a))
}

// recorder is a faithful fake of the access recorder: it keeps every
// access, and refuses them all once failing is set.
type recorder struct {
	mu       sync.Mutex
	accesses []replayws.Access
	failing  bool
}

var errRecorderDown = errors.New("audit stream unavailable")

func (r *recorder) record(_ context.Context, a replayws.Access) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		return errRecorderDown
	}
	r.accesses = append(r.accesses, a)
	return nil
}

func (r *recorder) list() []replayws.Access {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]replayws.Access(nil), r.accesses...)
}

func (r *recorder) fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = true
}

// env is a replay server on loopback over the fixture's history. Its
// handler takes the request from the query (as_agency, from, from_time,
// speed): authorization is the HTTP edge's, tested there.
type env struct {
	f      *fixture
	server *replayws.Server
	http   *httptest.Server
	rec    *recorder
}

func newEnv(t testing.TB, f *fixture, cfg replayws.Config) *env {
	t.Helper()
	srv, err := replayws.NewServer(cfg, f.history)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{f: f, server: srv, rec: &recorder{}}
	e.http = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		e.http.Close()
	})
	return e
}

func (e *env) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := replayws.Request{Operation: opID, Agency: agA, Speed: replayws.SpeedMax, Record: e.rec.record}
	switch a := q.Get("as_agency"); a {
	case "":
	case "B":
		req.Agency = agB
	default:
		var id domain.AgencyID
		if err := id.UnmarshalText([]byte(a)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req.Agency = id
	}
	if s := q.Get("from"); s != "" {
		req.From.Position = dt.Must(eventstore.ParsePosition(s))
	}
	if s := q.Get("from_time"); s != "" {
		req.From = replayws.Point{Time: dt.Must(time.Parse(time.RFC3339Nano, s)), ByTime: true}
	}
	if s := q.Get("speed"); s != "" {
		req.Speed = dt.Must(replayws.ParseSpeed(s))
	}
	if err := e.server.Serve(w, r, req); err != nil {
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, domain.ErrInvalid):
			status = http.StatusBadRequest
		case errors.Is(err, domain.ErrForbidden):
			status = http.StatusForbidden
		case errors.Is(err, history.ErrUnknownOperation):
			status = http.StatusNotFound
		case errors.Is(err, history.ErrNotIndexed):
			status = http.StatusConflict
		}
		http.Error(w, err.Error(), status)
	}
}

// url is the replay's WebSocket URL with the query.
func (e *env) url(query string) string {
	return "ws" + strings.TrimPrefix(e.http.URL, "http") + "/replay?" + query
}

// client is a replay as a client keeps it: the board rebuilt from the
// snapshot and the deltas, the last status, and every message.
type client struct {
	t        testing.TB
	conn     *websocket.Conn
	view     board.View
	position string
	status   replayws.Status
	errs     []replayws.ErrorMessage
	raw      [][]byte
}

func (e *env) dial(t testing.TB, query string) *client {
	t.Helper()
	c, resp, err := boardws.Dial(t.Context(), nil, e.url(query), "token")
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (status %d)", err, status)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, conn: c}
}

// read reads and applies the next message and returns its type.
func (c *client) read() string {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	typ, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read (at %s): %v", c.position, err)
	}
	if typ != websocket.TextMessage {
		c.t.Fatalf("frame type %d", typ)
	}
	c.raw = append(c.raw, data)
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		c.t.Fatalf("%v: %s", err, data)
	}
	switch head.Type {
	case replayws.TypeStatus:
		c.status = replayws.Status{}
		if err := json.Unmarshal(data, &c.status); err != nil {
			c.t.Fatalf("status: %v: %s", err, data)
		}
	case replayws.TypeError:
		var m replayws.ErrorMessage
		if err := json.Unmarshal(data, &m); err != nil {
			c.t.Fatal(err)
		}
		c.errs = append(c.errs, m)
	default:
		m, err := boardws.DecodeMessage(data)
		if err != nil {
			c.t.Fatalf("%v: %s", err, data)
		}
		switch m.Type {
		case boardws.TypeSnapshot:
			c.view, c.position = *m.Board, m.Position
		case boardws.TypeDelta:
			c.view.Apply(m.Delta)
			c.position = m.Position
		}
	}
	return head.Type
}

// until reads until a status in state arrives.
func (c *client) until(state string) {
	c.t.Helper()
	for {
		if c.read() == replayws.TypeStatus && c.status.State == state {
			return
		}
	}
}

// untilType reads until a message of type typ arrives.
func (c *client) untilType(typ string) {
	c.t.Helper()
	for c.read() != typ {
	}
}

// send sends a control message.
func (c *client) send(control string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(control)); err != nil {
		c.t.Fatal(err)
	}
}

// sameView fails the test unless two views encode to the same JSON.
func sameView(tb testing.TB, got, want board.View) {
	tb.Helper()
	g, w := dt.Must(json.Marshal(got)), dt.Must(json.Marshal(want))
	var x, y any
	if err := json.Unmarshal(g, &x); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(w, &y); err != nil {
		tb.Fatal(err)
	}
	if !reflect.DeepEqual(x, y) {
		tb.Fatalf("the replayed board differs from the board folded from the log:\nreplay: %s\nlog:    %s", g, w)
	}
}

// sawSecret reports whether any message the client got carries A's
// AMBER+STRICT observation.
func (c *client) sawSecret() bool {
	for _, m := range c.raw {
		if strings.Contains(string(m), secretText) {
			return true
		}
	}
	return false
}
