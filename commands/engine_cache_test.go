package commands

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
)

// Two Handlers on one log stand for two nodes: each one's cache goes stale
// when the other appends.

func TestStaleRefusalIsCheckedAgainstTheStreamsEnd(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	a := newTestHandlers(t, log, outcomes, nil)
	b := newTestHandlers(t, log, outcomes, nil)
	ctx := t.Context()
	must(t)(a.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	// b changes the arrangement to version 2 behind a's back.
	must(t)(b.AddParticipant(ctx, lead, newCmd(), Participant{OperationCommand: onTestOp(), Agency: agency3}))

	// On a's cached state (version 1) this agreement would be refused.
	acc, err := a.AgreeToOperation(ctx, partner, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 2})
	if err != nil {
		t.Fatalf("agreement to the current arrangement refused on stale state: %v", err)
	}
	if acc.Revision != 2 {
		t.Fatalf("accepted at revision %d, want 2", acc.Revision)
	}
}

func TestStaleAcceptanceConflictsAndIsDecidedAgain(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	a := newTestHandlers(t, log, outcomes, nil)
	b := newTestHandlers(t, log, outcomes, nil)
	ctx := t.Context()
	must(t)(a.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	must(t)(b.AgreeToOperation(ctx, lead, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))

	acc := must(t)(a.AgreeToOperation(ctx, partner, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))
	_, conflicts, _ := log.stats(operation.Stream(testOp))
	if acc.Revision != 2 || conflicts != 1 {
		t.Fatalf("accepted at revision %d after %d conflicts, want revision 2 after 1", acc.Revision, conflicts)
	}
	// Both agreements are in: the operation can be activated.
	must(t)(a.ActivateOperation(ctx, lead, newCmd(), onTestOp()))
}

func TestConflictsAreBounded(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	a := newTestHandlers(t, log, outcomes, func(c *Config) { c.Attempts = 1 })
	b := newTestHandlers(t, log, outcomes, nil)
	ctx := t.Context()
	must(t)(a.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	must(t)(b.AgreeToOperation(ctx, lead, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))
	id := newCmd()
	in := Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}
	if _, err := a.AgreeToOperation(ctx, partner, id, in); !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict after one attempt", err)
	}
	// A conflict is not an outcome: the retry runs the command.
	if acc, err := a.AgreeToOperation(ctx, partner, id, in); err != nil || acc.Revision != 2 {
		t.Fatalf("retry = %+v, %v; want accepted at revision 2", acc, err)
	}
}

// activate brings the test operation to active through h.
func activate(t *testing.T, h *Handlers) {
	t.Helper()
	ctx := t.Context()
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	must(t)(h.AgreeToOperation(ctx, lead, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))
	must(t)(h.AgreeToOperation(ctx, partner, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))
	must(t)(h.ActivateOperation(ctx, lead, newCmd(), onTestOp()))
}

func TestWarmReportsReadNoStream(t *testing.T) {
	tests := []struct {
		name        string
		maxAge      time.Duration
		wantOpLoads int
	}{
		{"facts fresh", time.Hour, 0},
		{"facts always too old", time.Nanosecond, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := newMemLog()
			h := newTestHandlers(t, log, newMemOutcomes(), func(c *Config) { c.AccessMaxAge = tt.maxAge })
			activate(t, h)
			opStream, unitStream := operation.Stream(testOp), fieldlog.Stream(testOp, dt.Unit(7))
			_, _, opLoads := log.stats(opStream)
			for i := range 3 {
				must(t)(h.ReportPosition(t.Context(), unit7, newCmd(), testPosition(7, uint64(i+1), agency2)))
			}
			_, _, opLoadsAfter := log.stats(opStream)
			_, _, unitLoads := log.stats(unitStream)
			if got := opLoadsAfter - opLoads; got != tt.wantOpLoads {
				t.Errorf("3 reports read the operation %d times, want %d", got, tt.wantOpLoads)
			}
			if unitLoads != 1 {
				t.Errorf("3 reports read the unit's log %d times, want once (cold)", unitLoads)
			}
		})
	}
}

func TestReportRefusalReadsTheOperationsEnd(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	a := newTestHandlers(t, log, outcomes, func(c *Config) { c.AccessMaxAge = time.Hour })
	b := newTestHandlers(t, log, outcomes, nil)
	ctx := t.Context()
	activate(t, a)
	if _, err := a.ReportPosition(ctx, unit8, newCmd(), testPosition(8, 1, agency3)); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("unit of a non-participating agency: err = %v, want ErrForbidden", err)
	}
	// Another node adds agency 3; a has not seen it, yet lets its unit in.
	must(t)(b.AddParticipant(ctx, lead, newCmd(), Participant{OperationCommand: onTestOp(), Agency: agency3}))
	if _, err := a.ReportPosition(ctx, unit8, newCmd(), testPosition(8, 2, agency3)); err != nil {
		t.Fatalf("unit of a newly added agency refused: %v", err)
	}
}

func TestRetryRacingItsOriginalRunsOnce(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	h := newTestHandlers(t, log, outcomes, nil)
	activate(t, h)
	before, _, _ := log.stats("")
	outcomes.mu.Lock()
	getsBefore := outcomes.gets
	outcomes.mu.Unlock()
	id, in := newCmd(), testPosition(7, 1, agency2)
	const n = 16
	answers := make([]Accepted, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i], errs[i] = h.ReportPosition(t.Context(), unit7, id, in) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || answers[i] != answers[0] {
			t.Fatalf("answer %d = %+v, %v; want %+v", i, answers[i], errs[i], answers[0])
		}
	}
	if after, _, _ := log.stats(""); after-before != 1 {
		t.Fatalf("%d copies of one command appended %d events, want 1", n, after-before)
	}
	// The copies waited for the runner and took its answer from memory:
	// the outcome store was asked once, by the runner.
	outcomes.mu.Lock()
	defer outcomes.mu.Unlock()
	if got := outcomes.gets - getsBefore; got != 1 {
		t.Fatalf("outcomes looked up %d times, want 1", got)
	}
}

func TestRefusalLeavesTheWarmAggregateUsable(t *testing.T) {
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	activate(t, h)
	ctx := t.Context()
	must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 1, agency2)))
	// The same report ID again is refused, after one read of the tail.
	if _, err := h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 1, agency2)); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("duplicate report: err = %v, want ErrRejected", err)
	}
	must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 2, agency2)))
	if _, _, loads := log.stats(fieldlog.Stream(testOp, dt.Unit(7))); loads != 2 {
		t.Fatalf("unit log read %d times, want 2 (cold, and checking the refusal)", loads)
	}
}

func TestAcceptancesAreRecordedInTheBackground(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	h := newTestHandlers(t, log, outcomes, nil)
	activate(t, h)
	outcomes.mu.Lock()
	outcomes.hold = make(chan struct{})
	outcomes.mu.Unlock()
	id := newCmd()
	done := make(chan error, 1)
	go func() {
		_, err := h.ReportPosition(t.Context(), unit7, id, testPosition(7, 1, agency2))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("an accepted command waits for its outcome record")
	}
	if outcomes.recorded(id) {
		t.Fatal("recorded while recording is held up")
	}
	// A retry meanwhile gets the same answer, from memory, appending nothing.
	before, _, _ := log.stats("")
	if _, err := h.ReportPosition(t.Context(), unit7, id, testPosition(7, 1, agency2)); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := log.stats(""); after != before {
		t.Fatalf("the retry appended %d events", after-before)
	}
	close(outcomes.hold)
	if err := h.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !outcomes.recorded(id) {
		t.Fatal("not recorded once Close returned")
	}
}

func TestRefusalsAreRecordedBeforeTheyAreAnswered(t *testing.T) {
	log, outcomes := newMemLog(), newMemOutcomes()
	h := newTestHandlers(t, log, outcomes, nil)
	activate(t, h)
	id := newCmd()
	if _, err := h.ReportPosition(t.Context(), unit8, id, testPosition(8, 1, agency3)); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("err = %v, want ErrForbidden", err)
	}
	if !outcomes.recorded(id) {
		t.Fatal("a refusal was answered before it was recorded")
	}
}
