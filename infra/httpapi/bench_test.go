package httpapi

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/eventstore"
)

// benchUnits is the number of field units reporting at once.
const benchUnits = 200

// pacedRate is the total rate of BenchmarkFieldReportsHTTPPaced, shared
// evenly by the units: 5,000/s is 25 reports/s from each of 200 units.
var pacedRate = flag.Float64("paced-rate", 5000, "field reports per second offered by BenchmarkFieldReportsHTTPPaced (all units together)")

// BenchmarkFieldReportsHTTP200Units is the end-to-end command path at
// saturation: 200 field units, each with its own token and connection, post
// position reports over HTTP on loopback to a real server on SQLite
// (decode, authenticate, authorize against the operation, load the unit's
// log, decide, durable append, record the outcome, respond), each as fast
// as it can. It measures the most the path carries. Its latencies are those
// of a closed loop: with 200 callers always waiting, latency is 200 divided
// by the throughput (Little's law), so they say nothing about the latency at
// a given load; BenchmarkFieldReportsHTTPPaced does. It reports reports/s
// and the p50/p99 latency, then, in the same run and on the same store, the
// bare append rate of 200 goroutines appending one event each time, and the
// ratio of the two.
func BenchmarkFieldReportsHTTP200Units(b *testing.B) {
	s := newScenario(b, newEnv(b, envOptions{}))
	fleet := newBenchFleet(b, s)

	latencies := make([][]time.Duration, benchUnits)
	var failed sync.Once
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for u, c := range fleet {
		n := shareOf(b.N, u)
		wg.Go(func() {
			lat := make([]time.Duration, 0, n)
			for i := range n {
				body := positionBody(uuid.New(), time.Now(), 47.6+float64(i%100)/1000, 13.1)
				t := time.Now()
				status, err := c.post(body)
				lat = append(lat, time.Since(t))
				if err != nil || status != http.StatusCreated {
					failed.Do(func() { b.Errorf("unit %d report %d: %d %v", u, i, status, err) })
					return
				}
			}
			latencies[u] = lat
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	all := slices.Concat(latencies...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
	if len(all) > 0 {
		b.ReportMetric(ms(all[len(all)/2]), "p50_ms")
		b.ReportMetric(ms(all[len(all)*99/100]), "p99_ms")
	}
	appends := bareAppendRate(b, s.store, b.N)
	b.ReportMetric(appends, "bare_appends/s")
	b.ReportMetric(float64(b.N)/elapsed.Seconds()/appends, "ratio")
}

// BenchmarkFieldReportsHTTPPaced is the end-to-end command path at a given
// load (an open loop): 200 units each send position reports on a schedule
// of their own, -paced-rate/200 a second (25/s at the default 5,000/s), the
// units' schedules evenly staggered, b.N reports in all; -benchtime 50000x
// runs 10 seconds at the default rate. A unit sends each report at its
// scheduled time, or at once when the previous one is still out, and its
// latency is counted from the scheduled time, not from the send: a slow
// answer delays the next reports of its unit, and that delay counts against
// them (no coordinated omission). Each unit files one report before the
// clock starts, so every unit's token is verified and its log loaded: the
// run measures units that are already reporting.
//
// It reports the achieved reports/s, the latency percentiles, the worst
// send lag behind schedule (a lag near the latencies means the server fell
// behind; the load generator shares the CPU with it), and, in the same run
// and on the same store, the bare append rate and the ratio of the
// achieved rate to it.
func BenchmarkFieldReportsHTTPPaced(b *testing.B) {
	if !(*pacedRate > 0) {
		b.Fatalf("-paced-rate %v: want a positive rate", *pacedRate)
	}
	s := newScenario(b, newEnv(b, envOptions{}))
	fleet := newBenchFleet(b, s)
	var warm sync.WaitGroup
	for u, c := range fleet {
		warm.Go(func() {
			if status, err := c.post(positionBody(uuid.New(), time.Now(), 47.6, 13.1)); err != nil || status != http.StatusCreated {
				b.Errorf("unit %d warm-up report: %d %v", u, status, err)
			}
		})
	}
	warm.Wait()
	if b.Failed() {
		return
	}

	interval := time.Duration(float64(benchUnits) / *pacedRate * float64(time.Second))
	latencies := make([][]time.Duration, benchUnits)
	lags := make([]time.Duration, benchUnits)
	var failed sync.Once
	b.ResetTimer()
	start := time.Now().Add(10 * time.Millisecond)
	var wg sync.WaitGroup
	for u, c := range fleet {
		n := shareOf(b.N, u)
		wg.Go(func() {
			lat := make([]time.Duration, 0, n)
			first := start.Add(interval * time.Duration(u) / benchUnits)
			for i := range n {
				due := first.Add(interval * time.Duration(i))
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				lags[u] = max(lags[u], time.Since(due))
				status, err := c.post(positionBody(uuid.New(), due, 47.6+float64(i%100)/1000, 13.1))
				lat = append(lat, time.Since(due))
				if err != nil || status != http.StatusCreated {
					failed.Do(func() { b.Errorf("unit %d report %d: %d %v", u, i, status, err) })
					return
				}
			}
			latencies[u] = lat
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	all := slices.Concat(latencies...)
	slices.Sort(all)
	rate := float64(len(all)) / elapsed.Seconds()
	b.ReportMetric(*pacedRate, "offered/s")
	b.ReportMetric(rate, "reports/s")
	if len(all) > 0 {
		b.ReportMetric(ms(all[len(all)/2]), "p50_ms")
		b.ReportMetric(ms(all[len(all)*99/100]), "p99_ms")
		b.ReportMetric(ms(all[len(all)*999/1000]), "p99.9_ms")
		b.ReportMetric(ms(all[len(all)-1]), "max_ms")
	}
	b.ReportMetric(ms(slices.Max(lags)), "max_lag_ms")
	appends := bareAppendRate(b, s.store, b.N)
	b.ReportMetric(appends, "bare_appends/s")
	b.ReportMetric(rate/appends, "ratio")
}

// shareOf is unit u's share of n reports.
func shareOf(n, u int) int {
	if u < n%benchUnits {
		return n/benchUnits + 1
	}
	return n / benchUnits
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchConn is one field unit's connection to the server: a persistent
// HTTP/1.1 connection on which it posts its position reports, one at a
// time. It stands in for net/http's client, whose transport (two goroutines
// and their channels per connection) would take a good share of the two
// cores the server needs; the requests are the same.
type benchConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	head string // request line and headers, up to Content-Length
}

// newBenchFleet connects benchUnits field units of the partner agency, each
// with its own token and connection.
func newBenchFleet(b *testing.B, s *scenario) []*benchConn {
	b.Helper()
	u, err := url.Parse(s.url)
	if err != nil {
		b.Fatal(err)
	}
	fleet := make([]*benchConn, benchUnits)
	for i := range fleet {
		unit := uuid.New()
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { conn.Close() })
		fleet[i] = &benchConn{
			conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn),
			head: fmt.Sprintf("POST %s/position HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\n",
				s.unitReports(unit), u.Host, s.token(b, partnerAgency, unit, commands.RoleFieldUnit)),
		}
	}
	return fleet
}

// post sends one report and returns the status of the answer, whose body it
// reads and drops.
func (c *benchConn) post(body []byte) (int, error) {
	if _, err := fmt.Fprintf(c.w, "%sContent-Length: %d\r\n\r\n", c.head, len(body)); err != nil {
		return 0, err
	}
	if _, err := c.w.Write(body); err != nil {
		return 0, err
	}
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// bareAppendRate appends n single-event appends of a position-report sized
// payload from benchUnits goroutines, each to its own stream, and returns
// appends per second.
func bareAppendRate(b *testing.B, store eventstore.Store, n int) float64 {
	b.Helper()
	data := []byte(mustJSON(positionReport(uuid.New(), time.Now(), 47.6, 13.1)))
	var wg sync.WaitGroup
	var failed sync.Once
	start := time.Now()
	for u := range benchUnits {
		k := shareOf(n, u)
		wg.Go(func() {
			stream := fmt.Sprintf("bench-%d-%s", u, uuid.NewString())
			for i := range k {
				_, err := store.Append(b.Context(), stream, eventstore.Any(), eventstore.EventData{
					ID: uuid.New(), Type: "bench.position", SchemaVersion: 1, Data: data,
				})
				if err != nil {
					failed.Do(func() { b.Errorf("bare append %d: %v", i, err) })
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// positionBody is positionReport's JSON, written directly: the load
// generator shares the CPU with the server, so it should spend little.
func positionBody(cmd uuid.UUID, at time.Time, lat, lon float64) []byte {
	return fmt.Appendf(nil, `{"command_id":%q,"occurred_at":%q,"report_id":%q,`+
		`"marking":{"originator":%q,"tlp":"AMBER","evaluation":"B2"},`+
		`"point":{"lat":%g,"lon":%g,"accuracy_m":8},"source":"gps"}`,
		cmd.String(), at.UTC().Format(time.RFC3339Nano), uuid.NewSHA1(cmd, []byte("report")).String(),
		partnerAgency.String(), lat, lon)
}
