package boards_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boards"
)

// TestResumeAfterEveryPosition subscribes every agency, records what it is
// sent while the log grows, then reconnects after every position it could
// know — each frame's, and every position of the log since its snapshot,
// as heartbeats report — and checks that the board it reconstructs with
// board.View.Apply equals the board folded from the whole log (for a
// sample of the positions: for all of them, the frames equal those it
// had not received, byte for byte, so the reconstruction is the live
// client's), and that a resumption sends exactly the deltas it had not
// received.
func TestResumeAfterEveryPosition(t *testing.T) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			l := running()
			g := newGenerator(seed, l)
			g.run(60)
			b := newBoards(t, boards.Config{})
			applyAll(t, b, l.envs)
			start := len(l.envs)
			subs := map[domain.AgencyID]*boards.Subscription{}
			for _, a := range participants {
				subs[a] = subscribe(t, b, a, "", 1024)
			}
			g.run(140)
			applyAll(t, b, l.envs[start:])

			for _, a := range participants {
				sent := drain(subs[a])
				want := folded(t, l.envs, opID, a)
				var full client
				full.receive(t, sent)
				if got := mustJSON(t, full.view); got != want {
					t.Fatalf("agency %s: live board\n%s\nwant\n%s", a, got, want)
				}
				for i, p := range resumePoints(l, start, sent) {
					frames := drain(subscribe(t, b, a, p, 1024))
					missed := framesAfter(sent, p)
					if got, want := positions(frames), positions(missed); !slices.Equal(got, want) {
						t.Fatalf("agency %s resuming after %s got frames at %v, want exactly the deltas at %v", a, p, got, want)
					}
					for j, f := range frames {
						if f.Kind != boards.KindDelta || string(f.Data) != string(missed[j].Data) {
							t.Fatalf("agency %s resuming after %s got\n%s\nwant what it was sent live\n%s", a, p, f.Data, missed[j].Data)
						}
					}
					if i%5 != 0 { // reconstructing from scratch is slow: sample
						continue
					}
					c := clientAt(t, sent, p)
					c.receive(t, frames)
					if got := mustJSON(t, c.view); got != want {
						t.Fatalf("agency %s resumed after %s:\n%s\nwant\n%s", a, p, got, want)
					}
				}
			}
		})
	}
}

// TestResumeFallsBackToSnapshot checks that a resumption that cannot be
// exact gets a fresh snapshot at the board's position, and one that can
// gets the deltas.
func TestResumeFallsBackToSnapshot(t *testing.T) {
	l := running()
	newGenerator(7, l).run(100)
	b := newBoards(t, boards.Config{RingSize: 8})
	applyAll(t, b, l.envs)
	boardAt, _ := boardPosition(t, b)
	tests := []struct {
		name     string
		after    string
		queue    int
		snapshot bool
	}{
		{"no position", "", 64, true},
		{"malformed", "seven", 64, true},
		{"ahead of the log folded", pos(len(l.envs) + 1), 64, true},
		{"older than the ring", pos(len(l.envs) - 40), 64, true},
		{"within the ring", pos(len(l.envs) - 3), 64, false},
		{"the last position folded", l.last(), 64, false},
		{"within the ring but more than the queue holds", pos(len(l.envs) - 5), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := drain(subscribe(t, b, agA, tt.after, tt.queue))
			isSnapshot := len(frames) == 1 && frames[0].Kind == boards.KindSnapshot
			if isSnapshot != tt.snapshot {
				t.Fatalf("frames %v, want a snapshot: %t", positions(frames), tt.snapshot)
			}
			if isSnapshot && frames[0].Position != boardAt {
				t.Errorf("snapshot at %s, want the board's position %s", frames[0].Position, boardAt)
			}
			var c client
			if !tt.snapshot {
				c = clientAt(t, fullHistory(t, l, agA), tt.after)
			}
			c.receive(t, frames)
			if got, want := mustJSON(t, c.view), folded(t, l.envs, opID, agA); got != want {
				t.Errorf("reconstructed\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// resumePoints returns the positions a client that received sent could
// resume after: those of its frames and every position of the log from
// its snapshot on.
func resumePoints(l *eventLog, snapshotAt int, sent []*boards.Frame) []string {
	var out []string
	for _, env := range l.envs[snapshotAt-1:] {
		out = append(out, env.Position)
	}
	for _, f := range sent {
		if !slices.Contains(out, f.Position) {
			out = append(out, f.Position)
		}
	}
	return out
}

// clientAt returns the client that received the frames of sent up to and
// including position p.
func clientAt(t testing.TB, sent []*boards.Frame, p string) client {
	t.Helper()
	var c client
	for _, f := range sent {
		if after(f.Position, p) && f.Kind == boards.KindDelta {
			break
		}
		c.receive(t, []*boards.Frame{f})
	}
	return c
}

// framesAfter returns the deltas of sent after position p.
func framesAfter(sent []*boards.Frame, p string) []*boards.Frame {
	var out []*boards.Frame
	for _, f := range sent {
		if f.Kind == boards.KindDelta && after(f.Position, p) {
			out = append(out, f)
		}
	}
	return out
}

func positions(frames []*boards.Frame) []string {
	out := []string{}
	for _, f := range frames {
		out = append(out, f.Position)
	}
	return out
}

// fullHistory returns what a subscriber of a that was there from the
// first event would have been sent: an empty snapshot, then every delta.
func fullHistory(t testing.TB, l *eventLog, a domain.AgencyID) []*boards.Frame {
	t.Helper()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs[:len(everyone)+1]) // the registrations and the proposal
	s := subscribe(t, b, a, "", len(l.envs)+1)
	applyAll(t, b, l.envs[len(everyone)+1:])
	return drain(s)
}

// boardPosition returns agency A's view position of opID.
func boardPosition(t testing.TB, b *boards.Boards) (string, bool) {
	t.Helper()
	_, p, ok := b.View(opID, viewer(agA))
	return p, ok
}
