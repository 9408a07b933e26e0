package loadgen

import (
	"math"
	"testing"
	"time"
)

func TestHeapGrowth(t *testing.T) {
	sample := func(events, live float64) TimedSample {
		return TimedSample{At: time.Duration(events) * time.Millisecond, ServerSample: ServerSample{AppendedEvents: events, HeapLiveBytes: live}}
	}
	tests := []struct {
		name    string
		samples []TimedSample
		ok      bool
		slope   float64
	}{
		{"too few", []TimedSample{sample(0, 1), sample(10, 2), sample(20, 3)}, false, 0},
		{"no events", []TimedSample{sample(5, 1), sample(5, 2), sample(5, 3), sample(5, 4), sample(5, 9), sample(5, 1)}, false, 0},
		// The first half fills up at 100 B/event; the second is flat.
		{"levelled off", []TimedSample{sample(0, 0), sample(1000, 1e5), sample(2000, 2e5), sample(3000, 2e5), sample(4000, 2e5), sample(5000, 2e5)}, true, 0},
		{"steady growth", []TimedSample{sample(0, 5e6), sample(1000, 5e6+64e3), sample(2000, 5e6+128e3), sample(3000, 5e6+192e3), sample(4000, 5e6+256e3), sample(5000, 5e6+320e3)}, true, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := heapGrowth(tt.samples)
			if ok != tt.ok {
				t.Fatalf("ok %v, want %v (%+v)", ok, tt.ok, g)
			}
			if ok && math.Abs(g.BytesPerEvent-tt.slope) > 1e-6 {
				t.Fatalf("slope %v B/event, want %v", g.BytesPerEvent, tt.slope)
			}
		})
	}
}
