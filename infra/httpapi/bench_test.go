package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
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

// BenchmarkFieldReportsHTTP200Units is the end-to-end command path: 200
// field units, each with its own token and connection, post position
// reports over HTTP on loopback to a real server on SQLite (decode,
// authenticate, authorize against the operation, load the unit's log,
// decide, durable append, record the outcome, respond). It reports
// reports/s and the p50/p99 latency, then, in the same run and on the same
// store, the bare append rate of 200 goroutines appending one event each
// time, and the ratio of the two.
func BenchmarkFieldReportsHTTP200Units(b *testing.B) {
	s := newScenario(b, newEnv(b, envOptions{}))
	units := make([]uuid.UUID, benchUnits)
	tokens := make([]string, benchUnits)
	for i := range units {
		units[i] = uuid.New()
		tokens[i] = s.token(b, partnerAgency, units[i], commands.RoleFieldUnit)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchUnits, MaxConnsPerHost: benchUnits}}
	defer client.CloseIdleConnections()

	latencies := make([][]time.Duration, benchUnits)
	var failed sync.Once
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for u := range benchUnits {
		n := b.N / benchUnits
		if u < b.N%benchUnits {
			n++
		}
		wg.Go(func() {
			url := s.url + s.unitReports(units[u]) + "/position"
			lat := make([]time.Duration, 0, n)
			for i := range n {
				body := positionBody(uuid.New(), time.Now(), 47.6+float64(i%100)/1000, 13.1)
				t := time.Now()
				status, err := post(client, url, tokens[u], body)
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
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99_ms")
	}
	appends := bareAppendRate(b, s.store, b.N)
	b.ReportMetric(appends, "bare_appends/s")
	b.ReportMetric(float64(b.N)/elapsed.Seconds()/appends, "ratio")
}

func post(client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
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
		k := n / benchUnits
		if u < n%benchUnits {
			k++
		}
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
