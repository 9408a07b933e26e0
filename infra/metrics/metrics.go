package metrics

import (
	"net/http"
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "jointops"

// Metrics is the server's set of collectors on a registry of its own.
type Metrics struct {
	reg *prometheus.Registry

	appends        *prometheus.CounterVec
	appendedEvents prometheus.Counter
	appendLatency  prometheus.Histogram
	commands       *prometheus.CounterVec
	commandLatency *prometheus.HistogramVec
	boardDrops     *prometheus.CounterVec
}

// New registers the server's collectors, with the Go runtime and process
// collectors, on a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		appends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "appends_total",
			Help: "Appends to the event log, by result (ok, conflict, error).",
		}, []string{"result"}),
		appendedEvents: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "appended_events_total",
			Help: "Events appended to the event log.",
		}),
		appendLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "append_duration_seconds",
			Help:    "Latency of appends to the event log, until durable.",
			Buckets: latencyBuckets,
		}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "commands_total",
			Help: "Commands answered over HTTP, by outcome (accepted, rejected, conflict, forbidden, invalid, error…).",
		}, []string{"outcome"}),
		commandLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "command_duration_seconds",
			Help:    "Latency of commands over HTTP, from request to response, by outcome.",
			Buckets: latencyBuckets,
		}, []string{"outcome"}),
		boardDrops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "board_disconnects_total",
			Help: "Live boards disconnected, by reason (slow, going_away, unavailable, client_closed, error).",
		}, []string{"reason"}),
	}
	m.reg.MustRegister(
		// The live heap after the last collection (go_gc_heap_live_bytes)
		// is the honest measure of growth: the heap in use includes garbage
		// not yet collected.
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.appends, m.appendedEvents, m.appendLatency, m.commands, m.commandLatency, m.boardDrops,
	)
	return m
}

// latencyBuckets span 100 µs to 10 s: a durable append takes well under a
// millisecond on a good disk and a command a few; the tail is what matters.
var latencyBuckets = prometheus.ExponentialBucketsRange(0.0001, 10, 24)

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry, for collectors of other packages (tests, and
// the wiring of status-polling gauges).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// CommandOutcome counts one command answered with outcome after seconds.
func (m *Metrics) CommandOutcome(outcome string, seconds float64) {
	m.commands.WithLabelValues(outcome).Inc()
	m.commandLatency.WithLabelValues(outcome).Observe(seconds)
}

// BoardDisconnected counts a live board the server closed, by reason.
func (m *Metrics) BoardDisconnected(reason string) { m.boardDrops.WithLabelValues(reason).Inc() }

// GroupLag registers a gauge of the events each consumer group still has to
// process, read from lag at every scrape.
func (m *Metrics) GroupLag(lag func() map[string]float64) {
	m.reg.MustRegister(&mapGauge{
		desc: prometheus.NewDesc(Namespace+"_subscriber_lag_events",
			"Events of the log a consumer group (projection) has not processed yet.", []string{"group"}, nil),
		read: lag,
	})
}

// BoardsConnected registers a gauge of the live boards connected now, per
// agency, read from count at every scrape.
func (m *Metrics) BoardsConnected(count func() map[string]float64) {
	m.reg.MustRegister(&mapGauge{
		desc: prometheus.NewDesc(Namespace+"_boards_connected",
			"Live boards (WebSocket connections) open now, by agency.", []string{"agency"}, nil),
		read: count,
	})
}

// mapGauge is a gauge with one label whose values are read at scrape time.
type mapGauge struct {
	desc *prometheus.Desc
	read func() map[string]float64
}

func (g *mapGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *mapGauge) Collect(ch chan<- prometheus.Metric) {
	for label, v := range g.read() {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, label)
	}
}
