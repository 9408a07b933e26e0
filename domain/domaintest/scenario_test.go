package domaintest_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// counter is a toy aggregate for testing the harness itself.
type counter struct {
	root domain.Root
	n    int
}

type incremented struct{ By int }

func (incremented) EventType() string     { return "jointops.test.incremented" }
func (incremented) SchemaVersion() uint32 { return 1 }

func (c *counter) Stream() string          { return c.root.Stream() }
func (c *counter) Version() uint64         { return c.root.Version() }
func (c *counter) Changes() []domain.Event { return c.root.Changes() }
func (c *counter) Commit()                 { c.root.Commit() }
func (c *counter) Replay(e domain.Event)   { c.apply(e.Payload); c.root.Replayed() }

func (c *counter) apply(p domain.Payload) {
	if e, ok := p.(*incremented); ok {
		c.n += e.By
	}
}

func (c *counter) inc(m domain.Meta, by int) error {
	if by <= 0 {
		var p domain.Problems
		p.Add("by", "must be positive")
		return p.Err()
	}
	if c.n+by > 10 {
		return domain.Reject("counter.overflow", "would exceed 10")
	}
	e := &incremented{By: by}
	c.apply(e)
	c.root.Record(m.Event(e))
	return nil
}

// sloppy raises an event and still fails: the harness must notice.
func (c *counter) sloppy(m domain.Meta) error {
	c.root.Record(m.Event(&incremented{By: 1}))
	return domain.Reject("counter.sloppy", "raised and failed")
}

// fakeTB records failures; Fatalf ends the goroutine like testing does.
type fakeTB struct {
	testing.TB
	failures []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

func check(scenario func(tb testing.TB)) []string {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		scenario(f)
	}()
	<-done
	return f.failures
}

func TestHarnessNoticesWhatIsWrong(t *testing.T) {
	meta := dt.Meta(t, domain.Actor{Agency: dt.Agency(1)}, dt.T0())
	newCounter := func() *counter { return &counter{root: domain.NewRoot("counter-1")} }
	given := []domain.Payload{&incremented{By: 5}}
	tests := []struct {
		name     string
		scenario func(tb testing.TB)
		fails    bool
	}{
		{name: "right events", scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 2) }).Then(&incremented{By: 2})
		}},
		{name: "wrong events", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 2) }).Then(&incremented{By: 3})
		}},
		{name: "events expected, none raised", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(*counter) error { return nil }).Then(&incremented{By: 3})
		}},
		{name: "the expected rejection", scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 6) }).
				ThenRejected("counter.overflow", domain.ErrRejected)
		}},
		{name: "history counts: no overflow without it", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter()).When(func(c *counter) error { return c.inc(meta, 6) }).
				ThenRejected("counter.overflow", nil)
		}},
		{name: "another rejection code", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 6) }).
				ThenRejected("counter.other", nil)
		}},
		{name: "another rejection kind", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 6) }).
				ThenRejected("counter.overflow", domain.ErrForbidden)
		}},
		{name: "a rejection that raised events", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter()).When(func(c *counter) error { return c.sloppy(meta) }).
				ThenRejected("counter.sloppy", nil)
		}},
		{name: "the expected invalid field", scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter()).When(func(c *counter) error { return c.inc(meta, 0) }).ThenInvalid("by")
		}},
		{name: "another invalid field", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter()).When(func(c *counter) error { return c.inc(meta, 0) }).ThenInvalid("amount")
		}},
		{name: "a rejection is not a validation error", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter(), given...).When(func(c *counter) error { return c.inc(meta, 6) }).ThenInvalid()
		}},
		{name: "a validation error is not a rejection", fails: true, scenario: func(tb testing.TB) {
			dt.Given(tb, newCounter()).When(func(c *counter) error { return c.inc(meta, 0) }).ThenRejected("counter.overflow", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := check(tt.scenario)
			if tt.fails && len(failures) == 0 {
				t.Error("the harness passed a scenario it should have failed")
			}
			if !tt.fails && len(failures) > 0 {
				t.Errorf("the harness failed a correct scenario: %v", failures)
			}
		})
	}
}

func TestUUIDsAreDistinct(t *testing.T) {
	seen := map[string]uint64{}
	for n := range uint64(5000) {
		s := dt.UUID(n).String()
		if m, dup := seen[s]; dup {
			t.Fatalf("UUID(%d) == UUID(%d) == %s", n, m, s)
		}
		seen[s] = n
	}
	if got := dt.UUID(7).String(); got != "00000000-0000-4000-8000-000000000007" {
		t.Errorf("UUID(7) = %s", got)
	}
}
