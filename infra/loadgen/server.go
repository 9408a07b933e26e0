package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// ServerSample is what the server's /metrics said at one moment.
type ServerSample struct {
	// CPUSeconds is the server process's user and system CPU time.
	CPUSeconds float64 `json:"cpu_seconds"`
	// RSSBytes is its resident memory; HeapBytes the Go heap in use
	// (allocated objects, live or not yet collected); HeapGoalBytes the
	// size at which the next collection starts, proportional to the heap
	// live after the last one (twice it at GOGC=100): the steadier measure
	// of growth.
	RSSBytes      float64 `json:"rss_bytes"`
	HeapBytes     float64 `json:"heap_bytes"`
	HeapGoalBytes float64 `json:"heap_goal_bytes"`
	// HeapLiveBytes is the heap marked live by the last collection: what
	// the server keeps, without the garbage not yet collected. Its trend
	// over a long run is the test of unbounded growth.
	HeapLiveBytes float64 `json:"heap_live_bytes"`
	Goroutines    float64 `json:"goroutines"`
	// AppendedEvents counts the events appended to the log so far.
	AppendedEvents float64 `json:"appended_events"`
	// BoardsConnected is the live boards connected, over all agencies.
	BoardsConnected float64 `json:"boards_connected"`
	// BoardDisconnects counts the boards the server closed, by reason.
	BoardDisconnects map[string]float64 `json:"board_disconnects"`
	// MaxSubscriberLag is the largest lag of a consumer group, in events.
	MaxSubscriberLag float64 `json:"max_subscriber_lag"`
}

// scrape reads the server's /metrics as an administrator.
func scrape(ctx context.Context, c *client, token string) (ServerSample, error) {
	a, err := c.get(ctx, token, "/metrics")
	if err != nil {
		return ServerSample{}, err
	}
	if a.status != http.StatusOK {
		return ServerSample{}, fmt.Errorf("GET /metrics: %d: %.200s", a.status, a.body)
	}
	return parseMetrics(a.body)
}

// parseMetrics reads a sample from the Prometheus text format.
func parseMetrics(text []byte) (ServerSample, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		return ServerSample{}, fmt.Errorf("metrics: %w", err)
	}
	s := ServerSample{
		CPUSeconds:       sum(fams["process_cpu_seconds_total"]),
		RSSBytes:         sum(fams["process_resident_memory_bytes"]),
		HeapBytes:        sum(fams["go_memstats_heap_alloc_bytes"]),
		HeapGoalBytes:    sum(fams["go_memstats_next_gc_bytes"]),
		HeapLiveBytes:    sum(fams["go_gc_heap_live_bytes"]),
		Goroutines:       sum(fams["go_goroutines"]),
		AppendedEvents:   sum(fams["jointops_appended_events_total"]),
		BoardsConnected:  sum(fams["jointops_boards_connected"]),
		BoardDisconnects: map[string]float64{},
	}
	if f := fams["jointops_board_disconnects_total"]; f != nil {
		for _, m := range f.GetMetric() {
			s.BoardDisconnects[label(m, "reason")] += value(m)
		}
	}
	if f := fams["jointops_subscriber_lag_events"]; f != nil {
		for _, m := range f.GetMetric() {
			s.MaxSubscriberLag = max(s.MaxSubscriberLag, value(m))
		}
	}
	return s, nil
}

// sum adds up every series of a counter or gauge family; 0 when absent.
func sum(f *dto.MetricFamily) float64 {
	var v float64
	if f != nil {
		for _, m := range f.GetMetric() {
			v += value(m)
		}
	}
	return v
}

func value(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetUntyped() != nil:
		return m.GetUntyped().GetValue()
	}
	return 0
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
