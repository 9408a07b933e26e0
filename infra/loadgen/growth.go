package loadgen

// Growth is how the server's live heap moved with the events appended over
// the second half of the load, when memory should have levelled off. The
// first half is left out: caches, pools and windows fill up then, and that
// is not growth. A server that keeps something per event shows a steady
// slope; one that is bounded shows a slope near zero.
type Growth struct {
	// Samples is how many samples the slope was fitted to.
	Samples int `json:"samples"`
	// BytesPerEvent is the least-squares slope of the live heap over the
	// appended events.
	BytesPerEvent float64 `json:"bytes_per_event"`
	// FromBytes and ToBytes are the live heap at the first and the last of
	// those samples.
	FromBytes float64 `json:"from_bytes"`
	ToBytes   float64 `json:"to_bytes"`
}

// heapGrowth fits the live heap of the second half of samples against the
// events appended; ok is false with fewer than three samples there or no
// events appended between them.
func heapGrowth(samples []TimedSample) (g Growth, ok bool) {
	half := samples[len(samples)/2:]
	if len(half) < 3 {
		return Growth{}, false
	}
	var sx, sy float64
	for _, s := range half {
		sx += s.AppendedEvents
		sy += s.HeapLiveBytes
	}
	n := float64(len(half))
	mx, my := sx/n, sy/n
	var sxy, sxx float64
	for _, s := range half {
		dx := s.AppendedEvents - mx
		sxy += dx * (s.HeapLiveBytes - my)
		sxx += dx * dx
	}
	if sxx == 0 {
		return Growth{}, false
	}
	return Growth{Samples: len(half), BytesPerEvent: sxy / sxx,
		FromBytes: half[0].HeapLiveBytes, ToBytes: half[len(half)-1].HeapLiveBytes}, true
}
