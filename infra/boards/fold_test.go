package boards_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections"
)

// foldAll folds envs in order, as the runner's catch-up does.
func foldAll(t testing.TB, b *boards.Boards, envs []projections.Envelope) {
	t.Helper()
	for _, env := range envs {
		if err := b.Fold(context.Background(), env); err != nil {
			t.Fatalf("Fold %s: %v", env.Position, err)
		}
	}
}

// sameBoards checks that got shows every agency what want shows it, and
// would checkpoint the same parts.
func sameBoards(t testing.TB, got, want *boards.Boards) {
	t.Helper()
	if g, w := got.Position(), want.Position(); g != w {
		t.Errorf("Position %s, want %s", g, w)
	}
	for _, a := range everyone {
		if g, w := got.Viewer(a), want.Viewer(a); g != w {
			t.Errorf("Viewer(%s) = %v, want %v", a, g, w)
		}
		gOps, gAt := got.Operations(a)
		wOps, wAt := want.Operations(a)
		if mustJSON(t, gOps) != mustJSON(t, wOps) || gAt != wAt {
			t.Errorf("Operations(%s) = %s at %s, want %s at %s", a, mustJSON(t, gOps), gAt, mustJSON(t, wOps), wAt)
		}
		for _, op := range []domain.OperationID{opID, otherOp} {
			gv, gp, gok := got.View(op, viewer(a))
			wv, wp, wok := want.View(op, viewer(a))
			if mustJSON(t, gv) != mustJSON(t, wv) || gp != wp || gok != wok {
				t.Errorf("View(%s, %s) = %s at %s (%t), want %s at %s (%t)", op, a, mustJSON(t, gv), gp, gok, mustJSON(t, wv), wp, wok)
			}
		}
	}
	gcp, err := got.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	wcp, err := want.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if g, w := slices.Sorted(maps.Keys(gcp.Parts)), slices.Sorted(maps.Keys(wcp.Parts)); !slices.Equal(g, w) || gcp.Position != wcp.Position {
		t.Errorf("checkpoint of parts %v at %s, want %v at %s", g, gcp.Position, w, wcp.Position)
	}
}

// TestFoldLeavesWhatApplyLeaves: boards folded without subscribers show
// every agency the same boards, lists and viewers as boards applied, and
// ignore a repeated event alike.
func TestFoldLeavesWhatApplyLeaves(t *testing.T) {
	for seed := range uint64(3) {
		l := running()
		newGenerator(seed, l).run(300)
		applied, foldedB := newBoards(t, boards.Config{}), newBoards(t, boards.Config{})
		applyAll(t, applied, l.envs)
		foldAll(t, foldedB, l.envs)
		foldAll(t, foldedB, l.envs[len(l.envs)-10:]) // redelivered: ignored
		sameBoards(t, foldedB, applied)
		if got, want := mustJSON(t, viewOf(t, foldedB, agB)), folded(t, l.envs, opID, agB); got != want {
			t.Errorf("seed %d: folded board\n%s\nwant\n%s", seed, got, want)
		}
	}
}

// TestFoldKeepsNoDeltasForResuming: a board folded with no one
// subscribed has no deltas to resume from; a client that was before the
// fold gets a snapshot, one at or after it exactly what it missed.
func TestFoldKeepsNoDeltasForResuming(t *testing.T) {
	l := running()
	g := newGenerator(5, l)
	g.run(40)
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	applied := l.last() // the ring holds the deltas up to here
	ringed := l.envs[len(l.envs)-5].Position

	start := len(l.envs)
	l.add(positioned(opID, 9000, agB, mark(agB, marking.TLPGreen), 48.3))
	foldAll(t, b, l.envs[start:])
	foldedAt := l.last()

	start = len(l.envs)
	g.run(20)
	applyAll(t, b, l.envs[start:])

	tests := []struct {
		name     string
		after    string
		snapshot bool
	}{
		{"within the ring before the fold", ringed, true},
		{"just before the fold", applied, true},
		{"at the fold", foldedAt, false},
		{"after the fold", l.envs[start+5].Position, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := drain(subscribe(t, b, agB, tt.after, 1024))
			isSnapshot := len(frames) == 1 && frames[0].Kind == boards.KindSnapshot
			if isSnapshot != tt.snapshot {
				t.Fatalf("frames %v, want a snapshot: %t", positions(frames), tt.snapshot)
			}
			var c client
			if !tt.snapshot {
				c = clientAt(t, fullHistory(t, l, agB), tt.after)
			}
			c.receive(t, frames)
			if got, want := mustJSON(t, c.view), folded(t, l.envs, opID, agB); got != want {
				t.Errorf("reconstructed\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestFoldWithSubscribersSendsEveryDelta: while a board has subscribers,
// Fold sends them the deltas Apply would — the same frames, byte for
// byte — and keeps them for resuming; a board without subscribers in the
// same boards (the other operation) is folded without.
func TestFoldWithSubscribersSendsEveryDelta(t *testing.T) {
	l := running()
	g := newGenerator(9, l)
	g.run(30)
	applied, foldedB := newBoards(t, boards.Config{}), newBoards(t, boards.Config{})
	applyAll(t, applied, l.envs)
	foldAll(t, foldedB, l.envs)
	start := len(l.envs)
	live := map[domain.AgencyID][2]*boards.Subscription{}
	for _, a := range participants {
		live[a] = [2]*boards.Subscription{subscribe(t, applied, a, "", 1024), subscribe(t, foldedB, a, "", 1024)}
	}
	g.run(200)
	applyAll(t, applied, l.envs[start:])
	foldAll(t, foldedB, l.envs[start:])

	for _, a := range participants {
		want, got := drain(live[a][0]), drain(live[a][1])
		if len(got) != len(want) || len(got) < 50 {
			t.Fatalf("agency %s: %d frames folding, %d applying; want the same, a snapshot and dozens of deltas", a, len(got), len(want))
		}
		for i := range got {
			if got[i].Position != want[i].Position || string(got[i].Data) != string(want[i].Data) {
				t.Fatalf("agency %s frame %d:\n%s at %s\nwant\n%s at %s", a, i, got[i].Data, got[i].Position, want[i].Data, want[i].Position)
			}
		}
		// The deltas were kept: a client resuming in the middle gets
		// exactly the ones after its position.
		mid := got[len(got)/2].Position
		resumed := drain(subscribe(t, foldedB, a, mid, 1024))
		if p, w := positions(resumed), positions(framesAfter(got, mid)); !slices.Equal(p, w) {
			t.Errorf("agency %s resuming after %s got %v, want %v", a, mid, p, w)
		}
	}
	sameBoards(t, foldedB, applied)

	// Nobody followed the other operation: its board kept no delta.
	s, err := foldedB.Subscribe(t.Context(), otherOp, viewer(agA), l.envs[start].Position, 1024)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if frames := drain(s); len(frames) != 1 || frames[0].Kind != boards.KindSnapshot {
		t.Errorf("resuming the other operation got %v, want a snapshot", positions(frames))
	}
}

// viewOf returns a's view of opID's board.
func viewOf(t testing.TB, b *boards.Boards, a domain.AgencyID) any {
	t.Helper()
	v, _, ok := b.View(opID, viewer(a))
	if !ok {
		t.Fatalf("agency %s sees no board", a)
	}
	return v
}
