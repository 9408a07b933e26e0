package loadgen

import (
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

func pos(n uint64) eventstore.Position { return eventstore.Position{Commit: n, Prepare: n} }

func newTestBoard(op, agency int) *board {
	return &board{spec: boardSpec{op: op, agency: agency}, log: slog.New(slog.DiscardHandler), ready: make(chan struct{})}
}

// feed gives b the messages, "s<n>" a snapshot at n and "d<n>" a delta.
func feed(t *testing.T, b *board, msgs ...string) {
	t.Helper()
	for i, m := range msgs {
		var kind rune
		var n uint64
		if _, err := fmt.Sscanf(m, "%c%d", &kind, &n); err != nil {
			t.Fatal(err)
		}
		p := pos(n).String()
		var data string
		if kind == 's' {
			data = fmt.Sprintf(`{"type":"snapshot","operation_id":"x","position":%q,"board":{}}`, p)
		} else {
			data = fmt.Sprintf(`{"type":"delta","position":%q,"at":"2026-11-28T10:00:00Z","changes":[]}`, p)
		}
		b.message([]byte(data), time.Duration(i)*time.Millisecond)
	}
}

func TestLedgerChecksEachBoard(t *testing.T) {
	const all, only0 = everyone, 1 << 0
	never := time.Duration(math.MaxInt64)
	tests := []struct {
		name     string
		accepted []acceptance
		agency   int
		msgs     []string
		final    bool
		// want: delivered, gaps, undelivered, covered, duplicates, owed.
		want [6]int64
	}{
		{"every report delivered", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d11", "d12"}, false, [6]int64{2, 0, 0, 0, 0, 0}},
		{"events the run did not send are ignored", []acceptance{{pos: pos(12), visible: all}},
			1, []string{"s10", "d11", "d12", "d13"}, false, [6]int64{1, 0, 0, 0, 0, 0}},
		{"a report missing before a later delta is a gap", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d12"}, false, [6]int64{1, 1, 0, 0, 0, 0}},
		{"another agency's report is not owed", []acceptance{{pos: pos(11), visible: only0}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d12"}, false, [6]int64{1, 0, 0, 0, 0, 0}},
		{"its own agency's report is owed", []acceptance{{pos: pos(11), visible: only0}, {pos: pos(12), visible: all}},
			0, []string{"s10", "d12"}, false, [6]int64{1, 1, 0, 0, 0, 0}},
		{"a report beyond the last delta is owed, not a gap", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d11"}, false, [6]int64{1, 0, 0, 0, 0, 1}},
		{"at the end, it is undelivered", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d11"}, true, [6]int64{1, 0, 1, 0, 0, 0}},
		{"a repeated or older delta is a duplicate", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}},
			1, []string{"s10", "d11", "d11", "d12", "d11"}, false, [6]int64{2, 0, 0, 0, 2, 0}},
		{"a fresh snapshot covers what it skipped", []acceptance{{pos: pos(11), visible: all}, {pos: pos(12), visible: all}, {pos: pos(13), visible: all}},
			1, []string{"s10", "d11", "s12", "d13"}, false, [6]int64{2, 0, 0, 1, 0, 0}},
		{"reports before the first snapshot are not owed", []acceptance{{pos: pos(9), visible: all}, {pos: pos(11), visible: all}},
			1, []string{"s10", "d11"}, false, [6]int64{1, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBoard(0, tt.agency)
			l := newLedger(1, []*board{b})
			for _, a := range tt.accepted {
				l.ops[0].add(a)
			}
			feed(t, b, tt.msgs...)
			owed := l.check(never, tt.final)
			got := [6]int64{l.delivered.Load(), l.gaps.Load(), l.undelivered.Load(), l.covered.Load(), b.duplicates(), owed}
			if got != tt.want {
				t.Fatalf("delivered, gaps, undelivered, covered, duplicates, owed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLedgerWaitsForReportsToSettle(t *testing.T) {
	b := newTestBoard(0, 0)
	l := newLedger(1, []*board{b})
	feed(t, b, "s10", "d12")
	l.ops[0].add(acceptance{pos: pos(12), visible: everyone, at: 5 * time.Second})
	if owed := l.check(4*time.Second, false); owed != 0 || l.delivered.Load() != 0 {
		t.Fatalf("checked a report answered after the horizon: owed %d, delivered %d", owed, l.delivered.Load())
	}
	// The answer to 11 comes late; 12 is not checked yet, so 11 still is.
	l.ops[0].add(acceptance{pos: pos(11), visible: everyone, at: 6 * time.Second})
	l.check(7*time.Second, false)
	if l.gaps.Load() != 1 || l.delivered.Load() != 1 {
		t.Fatalf("gaps %d delivered %d, want 1 and 1", l.gaps.Load(), l.delivered.Load())
	}
	// Once checked past, a report can no longer be checked: it counts as
	// unchecked, never as a gap.
	l.ops[0].add(acceptance{pos: pos(12), visible: everyone, at: 8 * time.Second})
	if l.unchecked() != 1 {
		t.Fatalf("unchecked %d, want 1", l.unchecked())
	}
}

func TestLedgerForgetsWhatEveryBoardPassed(t *testing.T) {
	fast, slow := newTestBoard(0, 0), newTestBoard(0, 1)
	l := newLedger(1, []*board{fast, slow})
	for n := uint64(11); n <= 14; n++ {
		l.ops[0].add(acceptance{pos: pos(n), visible: everyone})
	}
	feed(t, fast, "s10", "d11", "d12", "d13", "d14")
	feed(t, slow, "s10", "d11", "d12")
	l.check(time.Duration(math.MaxInt64), false)
	if n := len(l.ops[0].entries); n != 2 {
		t.Fatalf("%d entries kept, want the 2 the slow board has not passed", n)
	}
	if n := len(fast.recv) + len(slow.recv); n != 0 {
		t.Fatalf("%d deliveries kept after checking", n)
	}
}
