package boards_test

import (
	"fmt"
	"testing"

	"github.com/jointops/jointops/infra/boards"
)

// TestCorrectedTwiceAgreesWithTheFold is the regression test of a report
// corrected a second time by a correction some agency that saw the first
// may not see: a client subscribed mid-log, applying its deltas, must
// still have exactly the view of the board folded from the log, at every
// position. The seeds are those that reproduced the bug.
func TestCorrectedTwiceAgreesWithTheFold(t *testing.T) {
	for _, seed := range []uint64{7, 9, 14, 16, 26} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			l := running()
			g := newGenerator(seed, l)
			g.run(30)
			b := newBoards(t, boards.Config{})
			applyAll(t, b, l.envs)
			start := len(l.envs)
			subs := map[string]*boards.Subscription{}
			clients := map[string]*client{}
			for _, a := range participants {
				subs[a.String()] = subscribe(t, b, a, "", 1024)
				clients[a.String()] = &client{}
			}
			g.run(200)
			for i, env := range l.envs[start:] {
				applyAll(t, b, l.envs[start+i:start+i+1])
				for _, a := range participants {
					c := clients[a.String()]
					c.receive(t, drain(subs[a.String()]))
					want := folded(t, l.envs[:start+i+1], opID, a)
					if got := mustJSON(t, c.view); got != want {
						t.Fatalf("position %s, agency %s: view from deltas\n%s\nwant the fold's\n%s", env.Position, a, got, want)
					}
				}
			}
		})
	}
}
