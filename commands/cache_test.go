package commands

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
)

// weighty is an aggregate of a given weight.
type weighty struct {
	fakeAggregate
	weight int
}

func (w *weighty) Weight() int { return w.weight }

func TestAggregateCacheBoundsWeight(t *testing.T) {
	type step struct {
		put     string // put this stream's aggregate (weighing weights[put]) …
		reweigh string // … or count its new weight, weights[reweigh]
		get     string // … or use it
	}
	tests := []struct {
		name      string
		max       int
		maxWeight int
		weights   map[string]int // of the streams' aggregates; absent: not a Weigher
		steps     []step
		cached    []string // after the steps, most recent first
		weight    int
	}{
		{
			name: "the least recently used go while too heavy", max: 10, maxWeight: 10,
			weights: map[string]int{"a": 4, "b": 4, "c": 4},
			steps:   []step{{put: "a"}, {put: "b"}, {put: "c"}},
			cached:  []string{"c", "b"}, weight: 8,
		},
		{
			name: "using an aggregate keeps it", max: 10, maxWeight: 10,
			weights: map[string]int{"a": 4, "b": 4, "c": 4},
			steps:   []step{{put: "a"}, {put: "b"}, {get: "a"}, {put: "c"}},
			cached:  []string{"c", "a"}, weight: 8,
		},
		{
			name: "an aggregate that grew pushes out others", max: 10, maxWeight: 10,
			weights: map[string]int{"a": 3, "b": 3, "c": 3},
			steps:   []step{{put: "a"}, {put: "b"}, {put: "c"}, {reweigh: "c"}, {reweigh: "c"}},
			cached:  []string{"c", "b"}, weight: 8,
		},
		{
			name: "one heavier than the bound stays while it is the most recent", max: 10, maxWeight: 10,
			weights: map[string]int{"a": 3, "big": 50},
			steps:   []step{{put: "a"}, {put: "big"}},
			cached:  []string{"big"}, weight: 50,
		},
		{
			name: "and goes when another is used", max: 10, maxWeight: 10,
			weights: map[string]int{"a": 3, "big": 50},
			steps:   []step{{put: "big"}, {put: "a"}},
			cached:  []string{"a"}, weight: 3,
		},
		{
			name: "an aggregate that is no Weigher weighs 1, and so does an empty one", max: 10, maxWeight: 3,
			weights: map[string]int{"empty": 0},
			steps:   []step{{put: "x"}, {put: "y"}, {put: "empty"}, {put: "z"}},
			cached:  []string{"z", "empty", "y"}, weight: 3,
		},
		{
			name: "the count bound still holds", max: 2, maxWeight: math.MaxInt,
			weights: map[string]int{"a": 1, "b": 1, "c": 1},
			steps:   []step{{put: "a"}, {put: "b"}, {put: "c"}},
			cached:  []string{"c", "b"}, weight: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newAggregateCache(tt.max, tt.maxWeight)
			aggs := map[string]domain.Aggregate{}
			agg := func(stream string) domain.Aggregate {
				if aggs[stream] == nil {
					if w, ok := tt.weights[stream]; ok {
						aggs[stream] = &weighty{weight: w}
					} else {
						aggs[stream] = &fakeAggregate{}
					}
				}
				return aggs[stream]
			}
			for _, s := range tt.steps {
				switch {
				case s.put != "":
					c.put(s.put, agg(s.put), 0)
				case s.reweigh != "":
					agg(s.reweigh).(*weighty).weight++
					c.reweigh(s.reweigh, agg(s.reweigh))
				default:
					c.get(s.get)
				}
			}
			var streams []string
			for el := c.order.Front(); el != nil; el = el.Next() {
				streams = append(streams, el.Value.(*cached).stream)
			}
			if !slices.Equal(streams, tt.cached) || c.weight != tt.weight {
				t.Fatalf("cached %q weighing %d, want %q weighing %d", streams, c.weight, tt.cached, tt.weight)
			}
			for stream, a := range aggs {
				got, _ := c.get(stream)
				if want := slices.Contains(tt.cached, stream); (got == a) != want {
					t.Errorf("get(%s) = %v, want it cached: %v", stream, got, want)
				}
			}
		})
	}
}

func TestAggregateCacheWeightAfterDropAndReplace(t *testing.T) {
	c := newAggregateCache(10, 100)
	a, b := &weighty{weight: 5}, &weighty{weight: 7}
	c.put("a", a, 0)
	c.put("b", b, 0)
	c.put("a", &weighty{weight: 2}, 0) // a reloaded: its new weight replaces the old
	if c.weight != 9 {
		t.Fatalf("weight %d after replacing a, want 9", c.weight)
	}
	c.drop("b")
	if c.weight != 2 {
		t.Fatalf("weight %d after dropping b, want 2", c.weight)
	}
	c.reweigh("a", a) // not the cached aggregate of a any more: ignored
	if c.weight != 2 {
		t.Fatalf("weight %d after reweighing a stale aggregate, want 2", c.weight)
	}
}

// TestFieldLogsEvictedByWeightAreLoadedAgain runs reports of two units
// under a cache that holds 5 entries: the weight of the logs evicts the
// least recently used one, whose next command loads it again, from the
// stream's end, and appends at the right revision, also after another node
// appended to it meanwhile.
func TestFieldLogsEvictedByWeightAreLoadedAgain(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	h := newTestHandlers(t, log, outcomes, func(c *Config) { c.CacheWeight = 5 })
	other := newTestHandlers(t, log, outcomes, nil)
	activate(t, h)
	ctx := t.Context()
	unit9 := testPrincipal(agency2, 9, RoleFieldUnit)
	stream7, stream9 := fieldlog.Stream(testOp, dt.Unit(7)), fieldlog.Stream(testOp, dt.Unit(9))
	cached := func(stream string) bool { // without counting as a use
		h.cache.mu.Lock()
		defer h.cache.mu.Unlock()
		_, ok := h.cache.items[stream]
		return ok
	}

	for i := range 3 {
		must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, uint64(i+1), agency2)))
	}
	if !cached(stream7) {
		t.Fatal("unit 7's log of 3 entries is not cached under a bound of 5")
	}
	for i := range 3 {
		must(t)(h.ReportPosition(ctx, unit9, newCmd(), testPosition(9, uint64(100+i), agency2)))
	}
	if cached(stream7) || !cached(stream9) {
		t.Fatalf("after unit 9's 3 reports: unit 7 cached %v, unit 9 cached %v; want unit 7 evicted", cached(stream7), cached(stream9))
	}
	if h.cache.weight > 5 {
		t.Fatalf("the cache weighs %d, over its bound of 5", h.cache.weight)
	}

	// Another node appends to unit 7's log while h holds none of it.
	must(t)(other.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 4, agency2)))
	_, conflictsBefore, loadsBefore := log.stats(stream7)
	acc := must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 5, agency2)))
	_, conflicts, loads := log.stats(stream7)
	if acc.Revision != 4 || conflicts != conflictsBefore {
		t.Fatalf("report after eviction at revision %d after %d conflicts, want revision 4 after none", acc.Revision, conflicts-conflictsBefore)
	}
	if loads != loadsBefore+1 {
		t.Fatalf("unit 7's log read %d times for the report after its eviction, want once", loads-loadsBefore)
	}
	// The log loaded again knows every report, the other node's too.
	for _, n := range []uint64{1, 4} {
		if _, err := h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, n, agency2)); !errors.Is(err, domain.ErrRejected) {
			t.Fatalf("report ID %d again after the eviction: err = %v, want ErrRejected", n, err)
		}
	}
}

func TestCacheWeightConfig(t *testing.T) {
	tests := []struct {
		name    string
		weight  int
		want    int // the cache's bound; 0: New refuses the config
		wantErr string
	}{
		{"default", 0, 1 << 21, ""},
		{"set", 1000, 1000, ""},
		{"negative", -1, 0, "cache weight -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(Config{Log: newMemLog(), Outcomes: newMemOutcomes(), CacheWeight: tt.weight})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New = %v, want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.cache.maxWeight != tt.want {
				t.Fatalf("cache bounded at weight %d, want %d", h.cache.maxWeight, tt.want)
			}
		})
	}
}
