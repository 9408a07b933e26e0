package httpapi

import (
	"fmt"
	"testing"
	"time"
)

// fakeClock is a settable clock for the limiter and the authenticator.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterPerPrincipal(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	l := newLimiter(2, 3, clock.now) // 2/s, burst 3

	for i := range 3 {
		if ok, _ := l.allow("A/unit-1"); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	ok, retry := l.allow("A/unit-1")
	if ok || retry <= 0 || retry > 500*time.Millisecond {
		t.Fatalf("4th request: ok=%v retry=%s, want refused with a retry within 500ms", ok, retry)
	}
	if ok, _ := l.allow("A/unit-2"); !ok {
		t.Fatal("another principal was throttled by unit-1's traffic")
	}
	clock.t = clock.t.Add(retry)
	if ok, _ := l.allow("A/unit-1"); !ok {
		t.Fatal("request after Retry-After refused")
	}
	if ok, _ := l.allow("A/unit-1"); ok {
		t.Fatal("the refill after Retry-After allowed two requests")
	}
}

func TestLimiterDropsRefilledBuckets(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	l := newLimiter(10, 5, clock.now)
	for i := range minSweep {
		l.allow(fmt.Sprint("p", i))
	}
	if l.size() != minSweep {
		t.Fatalf("size = %d, want %d", l.size(), minSweep)
	}
	// Every bucket refills in 0.5s; the next new principal sweeps them.
	clock.t = clock.t.Add(time.Second)
	l.allow("newcomer")
	if l.size() != 1 {
		t.Fatalf("size after sweep = %d, want 1", l.size())
	}
}
