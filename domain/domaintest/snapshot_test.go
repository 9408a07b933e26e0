package domaintest_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// tally is a toy snapshotting aggregate: a sum and the largest step. Its
// forgetful variant leaves the largest step out of its snapshots.
type tally struct {
	root      domain.Root
	sum, top  int
	forgetful bool
}

type added struct{ N int }

func (added) EventType() string     { return "jointops.test.added" }
func (added) SchemaVersion() uint32 { return 1 }

type tallyState struct {
	Sum int `json:"sum"`
	Top int `json:"top,omitempty"`
}

func (c *tally) Stream() string          { return c.root.Stream() }
func (c *tally) Version() uint64         { return c.root.Version() }
func (c *tally) Changes() []domain.Event { return c.root.Changes() }
func (c *tally) Commit()                 { c.root.Commit() }
func (c *tally) Replay(e domain.Event)   { c.apply(e.Payload); c.root.Replayed() }

func (c *tally) apply(p domain.Payload) {
	if e, ok := p.(*added); ok {
		c.sum += e.N
		c.top = max(c.top, e.N)
	}
}

func (c *tally) Snapshot() ([]byte, error) {
	if err := c.root.CheckSnapshot(); err != nil {
		return nil, err
	}
	s := tallyState{Sum: c.sum, Top: c.top}
	if c.forgetful {
		s.Top = 0
	}
	return domain.EncodeSnapshot("tally", 1, s)
}

func (c *tally) RestoreSnapshot(version uint64, b []byte) error {
	var s tallyState
	if err := domain.DecodeSnapshot(b, "tally", 1, &s); err != nil {
		return err
	}
	if err := c.root.Restored(version); err != nil {
		return err
	}
	c.sum, c.top = s.Sum, s.Top
	return nil
}

// add refuses a step below the largest so far.
func (c *tally) add(m domain.Meta, n int) error {
	if n < c.top {
		return domain.Reject("tally.smaller", "%d is below %d", n, c.top)
	}
	e := &added{N: n}
	c.apply(e)
	c.root.Record(m.Event(e))
	return nil
}

func TestCheckSnapshotsNoticesForgottenState(t *testing.T) {
	meta := dt.Meta(t, domain.Actor{Agency: dt.Agency(1)}, dt.T0())
	history := []domain.Payload{&added{N: 1}, &added{N: 5}, &added{N: 2}}
	then := []func(*tally) error{
		func(c *tally) error { return c.add(meta, 3) },
		func(c *tally) error { return c.add(meta, 6) },
	}
	tests := []struct {
		name      string
		forgetful bool
		fails     bool
	}{
		{name: "complete snapshots"},
		{name: "snapshots that forget the largest step", forgetful: true, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := check(func(tb testing.TB) {
				dt.CheckSnapshots(tb, func() *tally { return &tally{root: domain.NewRoot("tally-1"), forgetful: tt.forgetful} }, history, then)
			})
			if tt.fails && len(failures) == 0 {
				t.Error("the harness passed snapshots it should have failed")
			}
			if !tt.fails && len(failures) > 0 {
				t.Errorf("the harness failed correct snapshots: %v", failures)
			}
		})
	}
}

func TestSameState(t *testing.T) {
	type inner struct {
		ids map[[2]byte]string
	}
	type state struct {
		n     int
		names []string
		in    *inner
	}
	tests := []struct {
		name string
		a, b state
		same bool
	}{
		{name: "equal", same: true,
			a: state{n: 1, names: []string{"a"}, in: &inner{ids: map[[2]byte]string{{1, 2}: "x"}}},
			b: state{n: 1, names: []string{"a"}, in: &inner{ids: map[[2]byte]string{{1, 2}: "x"}}}},
		{name: "nil and empty are alike", same: true,
			a: state{names: nil, in: &inner{}},
			b: state{names: []string{}, in: &inner{ids: map[[2]byte]string{}}}},
		{name: "an unexported number differs",
			a: state{n: 1}, b: state{n: 2}},
		{name: "a slice element differs",
			a: state{names: []string{"a"}}, b: state{names: []string{"b"}}},
		{name: "a map key differs",
			a: state{in: &inner{ids: map[[2]byte]string{{1, 2}: "x"}}},
			b: state{in: &inner{ids: map[[2]byte]string{{2, 1}: "x"}}}},
		{name: "a map value differs",
			a: state{in: &inner{ids: map[[2]byte]string{{1, 2}: "x"}}},
			b: state{in: &inner{ids: map[[2]byte]string{{1, 2}: "y"}}}},
		{name: "nil and non-nil pointer",
			a: state{}, b: state{in: &inner{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dt.SameState(tt.a, tt.b)
			if tt.same && err != nil {
				t.Fatalf("SameState = %v, want no difference", err)
			}
			if !tt.same && err == nil {
				t.Fatal("SameState found no difference")
			}
		})
	}
}
