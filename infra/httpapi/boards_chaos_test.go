package httpapi

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boardws"
)

// received is one message a client applied: its type and position.
type received struct {
	typ, position string
}

// TestLiveBoardsSurviveDroppedConnections drops connections at random
// points while units report through the command handlers, and checks that
// every client, reconnecting each time after the last position it applied,
// got every delta due to its agency exactly once (a snapshot standing for
// everything before it) and ends with the board folded from the log for
// its agency.
func TestLiveBoardsSurviveDroppedConnections(t *testing.T) {
	// Frequent heartbeats: a client reading a random number of messages
	// never waits long, so drops fall at random moments of the load.
	s := newBoardScenario(t, boardEnvOptions{hub: boardws.Config{HeartbeatInterval: 5 * time.Millisecond}})
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	const reports = 240

	// The load: three units of the partner agency; one report in four is
	// AMBER+STRICT, for the partner's eyes only.
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		var wg sync.WaitGroup
		for u := range 3 {
			unit := uuid.New()
			token := s.token(t, partnerAgency, unit, commands.RoleFieldUnit)
			wg.Go(func() {
				for i := range reports / 3 {
					path, body := s.unitReports(unit)+"/position", positionReport(uuid.New(), time.Now(), 47.6+float64(i%100)/1000, 13.1+float64(u)/100)
					if i%4 == 3 {
						cmd := uuid.New()
						path, body = s.unitReports(unit)+"/observation", strictObservation(cmd, uuid.NewSHA1(cmd, nil), fmt.Sprintf("strict %d/%d", u, i))
					}
					if r := s.do(t, "POST", path, token, body); r.status != http.StatusCreated {
						t.Errorf("report: %d %s", r.status, r.body)
						return
					}
				}
			})
		}
		wg.Wait()
	}()

	type client struct {
		name, token string
		viewer      marking.Viewer
		board       *boardClient
		got         []received
		reconnects  int
	}
	clients := []*client{
		{name: "lead 1", token: s.lead, viewer: viewerOf(t, leadAgency)},
		{name: "lead 2", token: s.token(t, leadAgency, uuid.New(), commands.RoleObserver), viewer: viewerOf(t, leadAgency)},
		{name: "partner 1", token: s.observer, viewer: viewerOf(t, partnerAgency)},
		{name: "partner 2", token: s.partner, viewer: viewerOf(t, partnerAgency)},
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		c.board = &boardClient{}
		wg.Go(func() {
			done := false
			for !done {
				select {
				case <-loaded:
					done = true // one last connection, read to the head
				default:
				}
				c.board.conn = dialBoard(t, s.be.liveURL(s.op, c.board.position), c.token)
				c.reconnects++
				// Finally, read up to the last delta due, or a snapshot
				// at the head.
				head, last := "", ""
				if done {
					head = s.be.caughtUp(t)
					_, due := s.be.reference(t, s.opBoard, c.viewer, head)
					last = due[len(due)-1]
				}
				for n := rng.IntN(12); done || n > 0; n-- {
					if done && (c.board.position == head || c.board.position == last) {
						break
					}
					_ = c.board.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
					m, err := c.board.read(t)
					if err != nil {
						t.Errorf("%s: read: %v", c.name, err)
						return
					}
					if m.Type != boardws.TypeHeartbeat {
						c.got = append(c.got, received{m.Type, m.Position})
					}
				}
				// Drop the link without a close frame, as a network does.
				_ = c.board.conn.NetConn().Close()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	head := s.be.caughtUp(t)
	for _, c := range clients {
		ref, due := s.be.reference(t, s.opBoard, c.viewer, head)
		checkExactlyOnce(t, c.name, c.got, due)
		sameView(t, c.board.view, ref)
		t.Logf("%s: %d connections, %d messages", c.name, c.reconnects, len(c.got))
	}
}

// checkExactlyOnce checks that the messages a client applied cover the
// deltas due to it with no gap and no duplicate: each delta is the next
// one due after where the client was, and a snapshot stands for every
// delta up to its position.
func checkExactlyOnce(t *testing.T, name string, got []received, due []string) {
	t.Helper()
	next := 0 // index in due of the next delta the client needs
	for i, m := range got {
		switch m.typ {
		case boardws.TypeSnapshot:
			next = len(dueAfter(t, due, m.position))
			next = len(due) - next
		case boardws.TypeDelta:
			if next >= len(due) || due[next] != m.position {
				want := "none"
				if next < len(due) {
					want = due[next]
				}
				t.Fatalf("%s: message %d is a delta at %s, but the next delta due is %s (a gap or a duplicate)", name, i, m.position, want)
			}
			next++
		}
	}
	if next != len(due) {
		t.Fatalf("%s: ended with %d deltas due unreceived", name, len(due)-next)
	}
}
