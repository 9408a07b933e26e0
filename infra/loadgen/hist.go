package loadgen

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latency summarizes a histogram of latencies, in milliseconds.
type Latency struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p99_9_ms"`
	Max   float64 `json:"max_ms"`
}

// histogram is an HDR histogram of latencies in microseconds, from 1 µs
// to 10 minutes at three significant digits, safe for concurrent use.
type histogram struct {
	mu sync.Mutex
	h  *hdrhistogram.Histogram
}

// maxLatency is the largest latency recorded as itself; larger ones are
// recorded as it.
const maxLatency = 10 * time.Minute

func newHistogram() *histogram {
	return &histogram{h: hdrhistogram.New(1, maxLatency.Microseconds(), 3)}
}

// record adds one latency; a negative one counts as 0.
func (h *histogram) record(d time.Duration) {
	us := min(max(d.Microseconds(), 0), maxLatency.Microseconds())
	h.mu.Lock()
	_ = h.h.RecordValue(us) // in range by construction
	h.mu.Unlock()
}

// quantile returns the q-th percentile (0–100) so far.
func (h *histogram) quantile(q float64) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Duration(h.h.ValueAtQuantile(q)) * time.Microsecond
}

// summary returns the count and the percentiles of the report.
func (h *histogram) summary() Latency {
	h.mu.Lock()
	defer h.mu.Unlock()
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{
		Count: h.h.TotalCount(),
		P50:   ms(h.h.ValueAtQuantile(50)),
		P90:   ms(h.h.ValueAtQuantile(90)),
		P99:   ms(h.h.ValueAtQuantile(99)),
		P999:  ms(h.h.ValueAtQuantile(99.9)),
		Max:   ms(h.h.Max()),
	}
}
