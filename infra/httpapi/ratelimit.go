package httpapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per principal: each may send rate requests per
// second on average and burst at once. Buckets are created on first use and
// dropped once they have refilled, which loses nothing (a full bucket is a
// new bucket), so memory follows the principals active within about
// burst/rate seconds.
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	// sweepAt is the bucket count at which idle buckets are next dropped.
	sweepAt int
}

// minSweep is the bucket count below which no sweep runs.
const minSweep = 1024

func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	return &limiter{
		rate:    rate.Limit(perSecond),
		burst:   burst,
		now:     now,
		buckets: make(map[string]*rate.Limiter),
		sweepAt: minSweep,
	}
}

// allow takes one token from key's bucket. When the bucket is empty it
// takes nothing and returns how long until a token will be there.
func (l *limiter) allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	b := l.bucket(key, now)
	res := b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *limiter) bucket(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if len(l.buckets) >= l.sweepAt {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
		l.sweepAt = max(minSweep, 2*len(l.buckets))
	}
	b := rate.NewLimiter(l.rate, l.burst)
	l.buckets[key] = b
	return b
}

// size returns the number of buckets held, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
