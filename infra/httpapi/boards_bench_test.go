package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/eventstore"
)

// liveAgencies are the four agencies of every benchmark operation; the
// first leads.
var liveAgencies = []uuid.UUID{leadAgency, partnerAgency, outsiderAgency, uuid.MustParse("44444444-4444-4444-8444-444444444444")}

// liveWorld is a server with boards and operations of four agencies, each
// with one reporting unit per agency.
type liveWorld struct {
	*boardEnv
	ops    []string      // /v1/operations/{id}
	units  [][]uuid.UUID // [op][agency]
	tokens [][]string    // [op][agency]: the unit's token
}

func newLiveWorld(b *testing.B, ops int) *liveWorld {
	b.Helper()
	w := &liveWorld{boardEnv: newBoardEnv(b, boardEnvOptions{envOptions: envOptions{rateLimit: 1e6, rateBurst: 1e6}})}
	now := time.Now().UTC().Format(time.RFC3339)
	commanders := make([]string, len(liveAgencies))
	for i, a := range liveAgencies {
		commanders[i] = w.token(b, a, uuid.New(), commands.RoleCommander)
	}
	participants := make([]string, len(liveAgencies))
	for i, a := range liveAgencies {
		participants[i] = a.String()
	}
	must := func(method, path, token string, body any, want int) {
		if r := w.do(b, method, path, token, body); r.status != want {
			b.Fatalf("%s %s = %d: %s", method, path, r.status, r.body)
		}
	}
	for range ops {
		id := uuid.New()
		op := "/v1/operations/" + id.String()
		must("POST", "/v1/operations", commanders[0], map[string]any{
			"command_id": uuid.NewString(), "occurred_at": now, "id": id.String(), "purpose": "Benchmark patrol",
			"lead": liveAgencies[0].String(), "participants": participants, "host_states": []string{"DE"},
			"legal_basis": []map[string]string{{"instrument": "Prüm Decision 2008/615/JHA", "provision": "Art. 17"}},
			"area":        map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{13.0, 47.5}, {13.2, 47.5}, {13.2, 47.7}, {13.0, 47.7}, {13.0, 47.5}}}},
			"period":      map[string]string{"start": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "end": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)},
		}, http.StatusCreated)
		for _, tok := range commanders {
			must("POST", op+"/agree", tok, map[string]any{"command_id": uuid.NewString(), "occurred_at": now, "arrangement_version": 1}, http.StatusAccepted)
		}
		must("POST", op+"/activate", commanders[0], map[string]any{"command_id": uuid.NewString(), "occurred_at": now}, http.StatusAccepted)
		units, tokens := make([]uuid.UUID, len(liveAgencies)), make([]string, len(liveAgencies))
		for i, a := range liveAgencies {
			units[i] = uuid.New()
			tokens[i] = w.token(b, a, units[i], commands.RoleFieldUnit)
		}
		w.ops, w.units, w.tokens = append(w.ops, op), append(w.units, units), append(w.tokens, tokens)
	}
	w.caughtUp(b)
	return w
}

// liveReport is a report's body: a position report (AMBER: every
// participant sees it), or, every fourth, an AMBER+STRICT observation
// (its agency only).
func liveReport(i int, agency uuid.UUID) (kind string, body []byte, strict bool) {
	cmd := uuid.New()
	at := time.Now().UTC().Format(time.RFC3339Nano)
	if i%4 == 3 {
		return "observation", fmt.Appendf(nil, `{"command_id":%q,"occurred_at":%q,"report_id":%q,`+
			`"marking":{"originator":%q,"tlp":"AMBER+STRICT","evaluation":"B2"},"text":"Vehicle %d seen at the bridge",`+
			`"point":{"lat":47.61,"lon":13.11}}`, cmd, at, uuid.NewSHA1(cmd, nil), agency, i), true
	}
	return "position", fmt.Appendf(nil, `{"command_id":%q,"occurred_at":%q,"report_id":%q,`+
		`"marking":{"originator":%q,"tlp":"AMBER","evaluation":"B2"},`+
		`"point":{"lat":%g,"lon":13.1,"accuracy_m":8},"source":"gps"}`,
		cmd, at, uuid.NewSHA1(cmd, nil), agency, 47.6+float64(i%100)/1000), false
}

// liveArrival is a message a benchmark client received: its position and when.
type liveArrival struct {
	position string
	at       time.Time
}

// liveClient is one connected board: the operation and agency it shows
// and what it received.
type liveClient struct {
	op, agency int
	conn       *websocket.Conn
	mu         sync.Mutex
	got        []liveArrival
	bytes      int64
}

// readLoop records every delta's position and arrival time until the
// connection closes. It parses only the position: clients share the CPU
// with the server.
func (c *liveClient) readLoop() {
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		if !bytes.HasPrefix(data, []byte(`{"type":"delta","position":"`)) {
			continue
		}
		rest := data[len(`{"type":"delta","position":"`):]
		pos := string(rest[:bytes.IndexByte(rest, '"')])
		c.mu.Lock()
		c.got = append(c.got, liveArrival{pos, now})
		c.bytes += int64(len(data))
		c.mu.Unlock()
	}
}

// liveSent is one report accepted by the server.
type liveSent struct {
	op, agency int
	strict     bool
	position   string
	sent       time.Time // the request left the unit
	accepted   time.Time // the command's answer arrived
}

// paceLive runs job(i) for i in [0, n) at rate per second from workers
// goroutines, each started at its scheduled time (open loop).
func paceLive(n int, rate float64, workers int, job func(i int)) {
	jobs := make(chan int, n)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				job(i)
			}
		})
	}
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); d > 0 {
			time.Sleep(d)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// percentileMs returns the p-th percentile of sorted durations, in ms.
func percentileMs(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(float64(len(sorted))*p), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}

// BenchmarkLiveBoards is the live path end to end: 1,000 boards connected
// over WebSocket on loopback, spread over the operations of four agencies
// (each board follows one operation as one agency sees it), and b.N field
// reports filed at 500/s (open loop, 32 senders) by the agencies' units
// through the HTTP command path; a fourth of them AMBER+STRICT, for the
// originator's boards only. It measures, per report, from the command's
// answer to the delta's arrival at every board entitled to it (the
// slowest board: all_p50/all_p99; a delta that arrives before the answer
// counts as 0) and per delivery (p50/p99), and from the request's
// sending to the last board (send_all_p50/p99), checks that
// every board got exactly its deltas (gaps, dups and leaks must be 0),
// then runs in the same process a bare gorilla broadcast — the same
// clients, message size, fan-out and rate, one writer goroutine per
// connection — and reports the ratios. Run with -benchtime 5000x (10 s of
// load).
func BenchmarkLiveBoards(b *testing.B) {
	for _, ops := range []int{50, 10} {
		b.Run(fmt.Sprintf("boards=1000/ops=%d", ops), func(b *testing.B) { benchLiveBoards(b, 1000, ops) })
	}
}

const (
	liveRate    = 500.0
	liveSenders = 32
)

func benchLiveBoards(b *testing.B, boards, ops int) {
	w := newLiveWorld(b, ops)
	clients := make([]*liveClient, boards)
	for i := range clients {
		op, agency := i%ops, (i/ops)%len(liveAgencies)
		tok := w.token(b, liveAgencies[agency], uuid.New(), commands.RoleObserver)
		c := &liveClient{op: op, agency: agency, conn: dialBoard(b, w.liveURL(w.ops[op], ""), tok)}
		if _, _, err := c.conn.ReadMessage(); err != nil { // the snapshot
			b.Fatal(err)
		}
		clients[i] = c
		go c.readLoop()
	}
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: liveSenders, MaxConnsPerHost: liveSenders}}
	defer httpc.CloseIdleConnections()
	reports := make([]liveSent, b.N)
	var failed atomic.Bool
	b.ResetTimer()
	paceLive(b.N, liveRate, liveSenders, func(i int) {
		op, agency := i%ops, (i/ops)%len(liveAgencies)
		kind, body, strict := liveReport(i, liveAgencies[agency])
		url := fmt.Sprintf("%s%s/units/%s/reports/%s", w.url, w.ops[op], w.units[op][agency], kind)
		req, err := http.NewRequest("POST", url, bytes.NewReader(body))
		if err != nil {
			b.Error(err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+w.tokens[op][agency])
		start := time.Now()
		resp, err := httpc.Do(req)
		if err != nil {
			failed.Store(true)
			return
		}
		var acc struct {
			Position string `json:"position"`
		}
		err = json.NewDecoder(resp.Body).Decode(&acc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			failed.Store(true)
			return
		}
		reports[i] = liveSent{op: op, agency: agency, strict: strict, position: acc.Position, sent: start, accepted: time.Now()}
	})
	b.StopTimer()
	if failed.Load() {
		b.Fatal("a report was not accepted")
	}
	// Every board entitled to a report must receive it.
	entitled := func(c *liveClient, r liveSent) bool { return c.op == r.op && (!r.strict || c.agency == r.agency) }
	want := make([]int, len(clients))
	for ci, c := range clients {
		for _, r := range reports {
			if entitled(c, r) {
				want[ci]++
			}
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for ci := 0; ci < len(clients) && time.Now().Before(deadline); {
		c := clients[ci]
		c.mu.Lock()
		n := len(c.got)
		c.mu.Unlock()
		if n >= want[ci] {
			ci++
			continue
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, c := range clients {
		c.conn.Close()
	}
	byPos := make(map[string]int, len(reports))
	for i, r := range reports {
		byPos[r.position] = i
	}
	var (
		per                    []time.Duration
		slowest                = make([]time.Duration, len(reports))
		slowestFromSend        = make([]time.Duration, len(reports))
		gaps, dups, leaks      int
		bytesIn, deliveredMsgs int64
	)
	for ci, c := range clients {
		seen := make(map[string]bool, len(c.got))
		var last eventstore.Position
		for _, a := range c.got {
			i, ok := byPos[a.position]
			if !ok || !entitled(c, reports[i]) {
				leaks++
				continue
			}
			if seen[a.position] {
				dups++
				continue
			}
			seen[a.position] = true
			if p, err := eventstore.ParsePosition(a.position); err != nil || !last.Less(p) {
				dups++ // out of order
			} else {
				last = p
			}
			d := max(a.at.Sub(reports[i].accepted), 0)
			per = append(per, d)
			slowest[i] = max(slowest[i], d)
			slowestFromSend[i] = max(slowestFromSend[i], a.at.Sub(reports[i].sent))
		}
		gaps += want[ci] - len(seen)
		bytesIn += c.bytes
		deliveredMsgs += int64(len(c.got))
	}
	slices.Sort(per)
	slices.Sort(slowest)
	slices.Sort(slowestFromSend)
	b.ReportMetric(percentileMs(slowestFromSend, 0.50), "send_all_p50_ms")
	b.ReportMetric(percentileMs(slowestFromSend, 0.99), "send_all_p99_ms")
	b.ReportMetric(percentileMs(slowest, 0.50), "all_p50_ms")
	b.ReportMetric(percentileMs(slowest, 0.99), "all_p99_ms")
	b.ReportMetric(percentileMs(per, 0.50), "p50_ms")
	b.ReportMetric(percentileMs(per, 0.99), "p99_ms")
	b.ReportMetric(float64(gaps), "gaps")
	b.ReportMetric(float64(dups), "dups")
	b.ReportMetric(float64(leaks), "leaks")
	if deliveredMsgs == 0 {
		b.Fatal("no delta arrived")
	}
	size := int(bytesIn / deliveredMsgs)
	b.ReportMetric(float64(size), "msg_bytes")
	b.ReportMetric(float64(deliveredMsgs)/float64(b.N), "deliveries/report")

	base, baseAll := bareBroadcast(b, clients, reports, size)
	b.ReportMetric(percentileMs(baseAll, 0.50), "bare_all_p50_ms")
	b.ReportMetric(percentileMs(baseAll, 0.99), "bare_all_p99_ms")
	b.ReportMetric(percentileMs(base, 0.50), "bare_p50_ms")
	b.ReportMetric(percentileMs(base, 0.99), "bare_p99_ms")
	b.ReportMetric(percentileMs(slowest, 0.50)/max(percentileMs(baseAll, 0.50), 0.001), "ratio_all_p50")
	b.ReportMetric(percentileMs(slowest, 0.99)/max(percentileMs(baseAll, 0.99), 0.001), "ratio_all_p99")
	if gaps+dups+leaks > 0 {
		b.Errorf("%d gaps, %d duplicates, %d leaks", gaps, dups, leaks)
	}
}

// bareBroadcast is the baseline: a plain gorilla server with a hub in the
// style of gorilla's chat example (a writer goroutine and a buffered
// channel per connection, WriteMessage of the same bytes), the same
// clients (count, operation and agency), and messages of size bytes sent
// at the benchmark's rate to the same boards the reports reached. It
// returns the per-delivery and per-message (slowest board) latencies from
// the moment the hub starts sending.
func bareBroadcast(b *testing.B, like []*liveClient, reports []liveSent, size int) (per, slowest []time.Duration) {
	b.Helper()
	type conn struct {
		ws   *websocket.Conn
		send chan []byte
	}
	var (
		mu    sync.Mutex
		conns = make([]*conn, len(like)) // by client index
		ready int
	)
	upgrader := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.URL.Query().Get("i"))
		if err != nil || i < 0 || i >= len(conns) {
			http.Error(w, "bad client index", http.StatusBadRequest)
			return
		}
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &conn{ws: ws, send: make(chan []byte, 256)}
		mu.Lock()
		conns[i] = c
		ready++
		mu.Unlock()
		go func() {
			for m := range c.send {
				_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if ws.WriteMessage(websocket.TextMessage, m) != nil {
					return
				}
			}
		}()
	}))
	defer srv.Close()
	clients := make([]*liveClient, len(like))
	for i, l := range like {
		ws, _, err := websocket.DefaultDialer.Dial(fmt.Sprintf("ws%s/?i=%d", strings.TrimPrefix(srv.URL, "http"), i), nil)
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = &liveClient{op: l.op, agency: l.agency, conn: ws}
		go clients[i].readLoop()
	}
	for {
		mu.Lock()
		n := ready
		mu.Unlock()
		if n == len(clients) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	sentAt := make([]time.Time, len(reports))
	pad := strings.Repeat("x", max(size-60, 0))
	paceLive(len(reports), liveRate, 1, func(i int) {
		r := reports[i]
		msg := fmt.Appendf(nil, `{"type":"delta","position":"b%d","pad":%q}`, i, pad)
		sentAt[i] = time.Now()
		for ci, c := range clients {
			if c.op == r.op && (!r.strict || c.agency == r.agency) {
				select {
				case conns[ci].send <- msg:
				default: // a slow client would be dropped; none is
				}
			}
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for _, c := range clients {
		for time.Now().Before(deadline) {
			c.mu.Lock()
			n := len(c.got)
			c.mu.Unlock()
			want := 0
			for _, r := range reports {
				if c.op == r.op && (!r.strict || c.agency == r.agency) {
					want++
				}
			}
			if n >= want {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	slowest = make([]time.Duration, len(reports))
	for _, c := range clients {
		c.conn.Close()
		for _, a := range c.got {
			var i int
			if _, err := fmt.Sscanf(a.position, "b%d", &i); err != nil {
				continue
			}
			d := a.at.Sub(sentAt[i])
			per = append(per, d)
			slowest[i] = max(slowest[i], d)
		}
	}
	for _, c := range conns {
		close(c.send)
	}
	slices.Sort(per)
	slices.Sort(slowest)
	return per, slowest
}
