package storetest

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

// TamperKind says how Harness.Tamper alters stored data behind the store's
// back, to prove that eventstore.Verify notices.
type TamperKind int

const (
	// TamperPayload flips one byte of the data of the event at (stream,
	// revision); the suite's events always have non-empty data.
	TamperPayload TamperKind = iota + 1
	// TamperDelete removes the event at (stream, revision).
	TamperDelete
	// TamperSwap swaps the stored contents of the event at (stream, revision)
	// and of its successor at revision+1 while both keep their global
	// positions, so the stream reads out of order. Whether the revision
	// numbers travel with the contents is up to the adapter: Verify detects
	// either.
	TamperSwap
)

func (k TamperKind) String() string {
	switch k {
	case TamperPayload:
		return "payload"
	case TamperDelete:
		return "delete"
	case TamperSwap:
		return "swap"
	}
	return fmt.Sprintf("TamperKind(%d)", int(k))
}

// Harness adapts one eventstore.Store implementation to the suite.
type Harness struct {
	// New returns a fresh, empty store for one test; the suite closes it.
	// It is called from parallel tests and must fail t rather than return nil.
	New func(t *testing.T) eventstore.Store
	// Reopen closes s and opens the same storage again (nil if the adapter
	// cannot: the reopen test skips). The suite closes the returned store.
	Reopen func(t *testing.T, s eventstore.Store) eventstore.Store
	// Tamper alters stored data behind the store's back (nil: the tamper
	// tests skip). It targets the event at (stream, revision) as kind says.
	Tamper func(t *testing.T, s eventstore.Store, kind TamperKind, stream string, revision uint64)
	// Scale shrinks the heavy tests (concurrent writers, catch-up under load,
	// slow subscriber, many streams) for slow adapters: 1 is full size, 0.1
	// a tenth; 0 means 1. Every heavy test keeps a minimum size that still
	// exercises its race.
	Scale float64
}

// Validate reports every problem of the harness at once.
func (h Harness) Validate() error {
	var errs []error
	if h.New == nil {
		errs = append(errs, errors.New("storetest: Harness.New is required"))
	}
	if h.Scale < 0 || math.IsNaN(h.Scale) || math.IsInf(h.Scale, 0) {
		errs = append(errs, fmt.Errorf("storetest: Harness.Scale %v: want a finite value ≥ 0 (0 means 1)", h.Scale))
	}
	return errors.Join(errs...)
}

// scaled returns n shrunk by Scale, never below floor.
func (h Harness) scaled(n, floor int) int {
	s := h.Scale
	if s == 0 {
		s = 1
	}
	return max(int(float64(n)*s), floor)
}

// open returns a fresh store from New that is closed when the test ends.
func (h Harness) open(t *testing.T) eventstore.Store {
	t.Helper()
	s := h.New(t)
	if s == nil {
		t.Fatal("storetest: Harness.New returned nil")
	}
	closeAtEnd(t, s)
	return s
}

// reopen closes s through Reopen and returns the store it opened again.
func (h Harness) reopen(t *testing.T, s eventstore.Store) eventstore.Store {
	t.Helper()
	r := h.Reopen(t, s)
	if r == nil {
		t.Fatal("storetest: Harness.Reopen returned nil")
	}
	closeAtEnd(t, r)
	return r
}

// closeAtEnd closes s when the test ends; a store the test closed already
// may answer ErrClosed.
func closeAtEnd(t *testing.T, s eventstore.Store) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("Close at end of test: %v", err)
		}
	})
}

// contractTest is one test of the suite.
type contractTest struct {
	name string
	run  func(t *testing.T, h Harness)
}

// area is a group of tests about one part of the contract.
type area struct {
	name  string
	tests []contractTest
}

func areas() []area {
	return []area{
		{"Append", appendTests()},
		{"Concurrency", concurrencyTests()},
		{"Read", readTests()},
		{"Subscribe", subscribeTests()},
		{"Volume", volumeTests()},
		{"Lifecycle", lifecycleTests()},
		{"Integrity", integrityTests()},
	}
}

// Run runs the whole contract suite against the adapter behind h. Every test
// gets its own store from h.New and runs in parallel with the others.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, a := range areas() {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range a.tests {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, h)
				})
			}
		})
	}
}
