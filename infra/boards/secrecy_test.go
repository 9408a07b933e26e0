package boards_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections/board"
)

// TestStrictReportNeverReachesAnotherAgency checks from every side that
// agency B never receives agency A's AMBER+STRICT report — not in a
// snapshot, a live delta, a resume replay or a REST read — until A relaxes
// its marking, and that it then appears, at the relaxation's position and
// not before.
func TestStrictReportNeverReachesAnotherAgency(t *testing.T) {
	const secretText = "informant meets courier at the old mill"
	secretID := dt.Report(100).String()
	strict, green := mark(agA, marking.TLPAmberStrict), mark(agA, marking.TLPGreen)

	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	beforeSecret := l.last()
	liveA := subscribe(t, b, agA, "", 64)
	liveB := subscribe(t, b, agB, "", 64)

	start := len(l.envs)
	l.add(
		observed(100, agA, strict, secretText),
		positioned(opID, 101, agA, strict, 48.2),
		observed(102, agB, mark(agB, marking.TLPGreen), "nothing to report"),
	)
	applyAll(t, b, l.envs[start:])
	beforeRelaxation := l.last()

	framesA := drain(liveA)
	if !leaks(framesA, secretText, secretID) {
		t.Fatalf("agency A did not receive its own report: %s", dataOf(framesA))
	}
	snapB := subscribe(t, b, agB, "", 64)
	replayB := subscribe(t, b, agB, beforeSecret, 64)
	hidden := map[string][]*boards.Frame{
		"live deltas": drain(liveB),
		"snapshot":    drain(snapB),
		"replay":      drain(replayB),
	}
	for side, frames := range hidden {
		if len(frames) == 0 {
			t.Fatalf("%s: agency B received nothing, want at least its own report or a snapshot", side)
		}
		if leaks(frames, secretText, secretID) {
			t.Errorf("%s: agency B received agency A's AMBER+STRICT report: %s", side, dataOf(frames))
		}
	}
	if v, _, ok := b.View(opID, viewer(agB)); !ok || strings.Contains(mustJSON(t, v), secretID) {
		t.Errorf("REST view of agency B (ok %t) shows the strict report: %s", ok, mustJSON(t, v))
	}

	l.add(relaxation(103, 100, agA, strict, green))
	applyAll(t, b, l.envs[len(l.envs)-1:])
	relaxedAt := l.last()

	live := drain(liveB)
	if len(live) != 1 || live[0].Position != relaxedAt || !leaks(live, secretText) {
		t.Errorf("after the relaxation agency B received %s, want the report in one delta at %s", dataOf(live), relaxedAt)
	}
	replay := drain(subscribe(t, b, agB, beforeSecret, 64))
	for i, f := range replay {
		revealed := leaks(replay[i:i+1], secretText)
		if revealed != (f.Position == relaxedAt) {
			t.Errorf("replay frame at %s reveals the report: %t, want only at the relaxation %s", f.Position, revealed, relaxedAt)
		}
	}
	if got := drain(subscribe(t, b, agB, beforeRelaxation, 64)); len(got) != 1 || got[0].Position != relaxedAt {
		t.Errorf("resume after %s gave %s, want the relaxation's delta alone", beforeRelaxation, dataOf(got))
	}
	if v, _, _ := b.View(opID, viewer(agB)); !strings.Contains(mustJSON(t, v), secretText) {
		t.Errorf("REST view of agency B after the relaxation lacks the report: %s", mustJSON(t, v))
	}
}

// TestBoardNotFoundRevealsNothing checks that a non-participant gets the
// same refusal as for an operation that does not exist, on every read.
func TestBoardNotFoundRevealsNothing(t *testing.T) {
	b := newBoards(t, boards.Config{})
	applyAll(t, b, running().envs)
	missing := dt.Operation(99)
	tests := []struct {
		name   string
		op     domain.OperationID
		viewer marking.Viewer
	}{
		{"non-participant", opID, viewer(outsider)},
		{"participant of another operation only", otherOp, viewer(agB)},
		{"unknown operation", missing, viewer(agA)},
		{"no agency", opID, marking.Viewer{}},
	}
	var messages []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := b.Subscribe(t.Context(), tt.op, tt.viewer, "", 8)
			if !errors.Is(err, boards.ErrNotFound) || !errors.Is(err, domain.ErrNotFound) || s != nil {
				t.Fatalf("Subscribe = %v, %v; want ErrNotFound (a domain.ErrNotFound)", s, err)
			}
			if strings.Contains(err.Error(), tt.op.String()) {
				t.Errorf("error %q names the operation", err)
			}
			messages = append(messages, err.Error())
			if v, p, ok := b.View(tt.op, tt.viewer); ok || p != "" || mustJSON(t, v) != mustJSON(t, board.View{}) {
				t.Errorf("View = %s, %q, %t; want the zero view, \"\", false", mustJSON(t, v), p, ok)
			}
		})
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("refusals differ: %q and %q", m, messages[0])
		}
	}
}

// leaks reports whether any frame's data contains any of needles.
func leaks(frames []*boards.Frame, needles ...string) bool {
	for _, f := range frames {
		for _, n := range needles {
			if strings.Contains(string(f.Data), n) {
				return true
			}
		}
	}
	return false
}

func dataOf(frames []*boards.Frame) string {
	var out []string
	for _, f := range frames {
		out = append(out, string(f.Data))
	}
	return "[" + strings.Join(out, ",\n") + "]"
}
