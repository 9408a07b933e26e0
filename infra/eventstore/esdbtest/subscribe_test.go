package esdbtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// received is what a subscription delivered, in order.
type received struct {
	events      []*esdb.ResolvedEvent
	checkpoints []esdb.Position
	caughtUp    int
	fellBehind  int
}

// receive reads from sub until stop says it has enough or the subscription
// drops; dropped is the drop's error.
func receive(sub *esdb.Subscription, stop func(received) bool) (got received, dropped error) {
	for !stop(got) {
		ev := sub.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			return got, ev.SubscriptionDropped.Error
		case ev.EventAppeared != nil:
			got.events = append(got.events, ev.EventAppeared)
		case ev.CheckPointReached != nil:
			got.checkpoints = append(got.checkpoints, *ev.CheckPointReached)
		case ev.CaughtUp != nil:
			got.caughtUp++
		case ev.FellBehind != nil:
			got.fellBehind++
		}
	}
	return got, nil
}

// userCount counts the delivered events not of system streams.
func (r received) userCount() int { return len(userEvents(r.events)) }

// appendConcurrently has writers goroutines append perWriter single events
// each, to stream (or to a stream per writer if stream is empty).
func appendConcurrently(c *esdb.Client, stream string, writers, perWriter int) error {
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			target := stream
			if target == "" {
				target = fmt.Sprintf("live-%d", w)
			}
			for i := range perWriter {
				if _, err := c.AppendToStream(context.Background(), target, esdb.AppendToStreamOptions{}, jsonEvent("live", w*perWriter+i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func TestSubscribeToAllCatchUpThenLiveExactlyOnceInOrder(t *testing.T) {
	const stored, writers, perWriter = 500, 4, 500
	srv, c := start(t, Config{})
	for i := range 5 {
		mustAppend(t, c, fmt.Sprintf("stored-%d", i), esdb.NoStream{}, events("stored", stored/5)...)
	}
	appended := make(chan error, 1)
	go func() { appended <- appendConcurrently(c, "", writers, perWriter) }()
	// Subscribe while the writers run, so that catch-up and live overlap.
	eventually(t, "the writers to start", func() bool { return srv.log.size() > stored+100 })
	sub, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{From: esdb.Start{}})
	if err != nil {
		t.Fatalf("SubscribeToAll: %v", err)
	}
	defer sub.Close()
	got, dropped := receive(sub, func(r received) bool { return r.userCount() == stored+writers*perWriter })
	if err := <-appended; err != nil {
		t.Fatalf("concurrent append: %v", err)
	}
	if dropped != nil {
		t.Fatalf("subscription dropped: %v", dropped)
	}

	if got.caughtUp < 1 {
		t.Errorf("no caught_up message")
	}
	user := userEvents(got.events)
	if len(user) != stored+writers*perWriter {
		t.Fatalf("%d user events, want %d", len(user), stored+writers*perWriter)
	}
	seen := make(map[string]bool)
	for i, e := range got.events {
		if i > 0 && !less(got.events[i-1].OriginalEvent().Position, e.OriginalEvent().Position) {
			t.Fatalf("event %d at %v does not follow %v", i, e.OriginalEvent().Position, got.events[i-1].OriginalEvent().Position)
		}
		id := e.OriginalEvent().EventID.String()
		if seen[id] {
			t.Fatalf("event %s delivered twice", id)
		}
		seen[id] = true
	}
	all := readAll(t, c, esdb.ReadAllOptions{}, 100000)
	if len(all) != len(got.events) {
		t.Errorf("subscription delivered %d events, $all holds %d", len(got.events), len(all))
	}
}

func TestSubscribeToStreamCatchUpThenLiveExactlyOnceInOrder(t *testing.T) {
	const stored, writers, perWriter = 300, 4, 500
	_, c := start(t, Config{})
	mustAppend(t, c, "busy", esdb.NoStream{}, events("stored", stored)...)
	sub, err := c.SubscribeToStream(testContext(t), "busy", esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	if err != nil {
		t.Fatalf("SubscribeToStream: %v", err)
	}
	defer sub.Close()

	done := make(chan received)
	go func() {
		got, _ := receive(sub, func(r received) bool { return len(r.events) == stored+writers*perWriter })
		done <- got
	}()
	if err := appendConcurrently(c, "busy", writers, perWriter); err != nil {
		t.Fatalf("concurrent append: %v", err)
	}
	got := <-done

	for i, e := range got.events {
		if e.OriginalEvent().StreamID != "busy" || e.OriginalEvent().EventNumber != uint64(i) {
			t.Fatalf("event %d is %s@%d, want busy@%d", i, e.OriginalEvent().StreamID, e.OriginalEvent().EventNumber, i)
		}
	}
	if got.caughtUp < 1 {
		t.Errorf("no caught_up message")
	}
}

func TestSubscribeStartingPointsAreExclusive(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "from", esdb.NoStream{}, events("e", 4)...)
	all := readAll(t, c, esdb.ReadAllOptions{}, 100)

	t.Run("stream from revision", func(t *testing.T) {
		sub, err := c.SubscribeToStream(testContext(t), "from", esdb.SubscribeToStreamOptions{From: esdb.Revision(1)})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		got, _ := receive(sub, func(r received) bool { return r.caughtUp == 1 })
		if revs := revisions(got.events); !equalRevisions(revs, []uint64{2, 3}) {
			t.Errorf("revisions %v, want [2 3]", revs)
		}
	})
	t.Run("all from position", func(t *testing.T) {
		from := all[len(all)-3].OriginalEvent().Position
		sub, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{From: from})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		got, _ := receive(sub, func(r received) bool { return r.caughtUp == 1 })
		if revs := revisions(got.events); !equalRevisions(revs, []uint64{2, 3}) {
			t.Errorf("revisions %v, want [2 3]", revs)
		}
	})
	t.Run("end then live", func(t *testing.T) {
		sub, err := c.SubscribeToStream(testContext(t), "from", esdb.SubscribeToStreamOptions{From: esdb.End{}})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		got, _ := receive(sub, func(r received) bool { return r.caughtUp == 1 })
		if len(got.events) != 0 {
			t.Fatalf("%d events before caught_up from end", len(got.events))
		}
		mustAppend(t, c, "from", esdb.Revision(3), jsonEvent("new", 0))
		got, _ = receive(sub, func(r received) bool { return len(r.events) == 1 })
		if got.events[0].OriginalEvent().EventNumber != 4 {
			t.Errorf("live event at revision %d, want 4", got.events[0].OriginalEvent().EventNumber)
		}
	})
	t.Run("stream that does not exist yet", func(t *testing.T) {
		sub, err := c.SubscribeToStream(testContext(t), "later", esdb.SubscribeToStreamOptions{From: esdb.Start{}})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		receive(sub, func(r received) bool { return r.caughtUp == 1 })
		mustAppend(t, c, "later", esdb.NoStream{}, jsonEvent("first", 0))
		got, _ := receive(sub, func(r received) bool { return len(r.events) == 1 })
		if e := got.events[0].OriginalEvent(); e.StreamID != "later" || e.EventNumber != 0 {
			t.Errorf("got %s@%d, want later@0", e.StreamID, e.EventNumber)
		}
	})
}

func TestFilteredSubscriptionToAllSendsCheckpoints(t *testing.T) {
	_, c := start(t, Config{})
	for i := range 10 {
		mustAppend(t, c, fmt.Sprintf("other-%d", i), esdb.NoStream{}, jsonEvent("other", i))
		mustAppend(t, c, fmt.Sprintf("unit-%d", i), esdb.NoStream{}, jsonEvent("report", i))
	}
	sub, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{
		From:               esdb.Start{},
		Filter:             &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{"unit-"}},
		MaxSearchWindow:    4,
		CheckpointInterval: 2, // a checkpoint every 8 events considered
	})
	if err != nil {
		t.Fatalf("SubscribeToAll: %v", err)
	}
	defer sub.Close()
	got, _ := receive(sub, func(r received) bool { return r.caughtUp == 1 })

	if len(got.events) != 10 {
		t.Fatalf("%d events, want the 10 of unit- streams", len(got.events))
	}
	for _, e := range got.events {
		if !strings.HasPrefix(e.OriginalEvent().StreamID, "unit-") {
			t.Errorf("event of %s passed the filter", e.OriginalEvent().StreamID)
		}
	}
	// 3 system events and 20 user events considered: checkpoints after 8 and 16.
	if len(got.checkpoints) != 2 {
		t.Fatalf("%d checkpoints, want 2", len(got.checkpoints))
	}
	all := readAll(t, c, esdb.ReadAllOptions{}, 100)
	for i, cp := range got.checkpoints {
		if want := all[8*(i+1)-1].OriginalEvent().Position; cp != want {
			t.Errorf("checkpoint %d at %v, want %v (the 8th event considered)", i, cp, want)
		}
	}

	resumed, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{
		From:   got.checkpoints[1],
		Filter: &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{"unit-"}},
	})
	if err != nil {
		t.Fatalf("resubscribe: %v", err)
	}
	defer resumed.Close()
	rest, _ := receive(resumed, func(r received) bool { return r.caughtUp == 1 })
	var after int
	for _, e := range got.events {
		if less(got.checkpoints[1], e.OriginalEvent().Position) {
			after++
		}
	}
	if len(rest.events) != after {
		t.Errorf("resumed from the checkpoint: %d events, want the %d after it", len(rest.events), after)
	}
}

func TestSubscriptionExcludingSystemEvents(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "plain", esdb.NoStream{}, events("e", 3)...)
	sub, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: esdb.ExcludeSystemEventsFilter()})
	if err != nil {
		t.Fatalf("SubscribeToAll: %v", err)
	}
	defer sub.Close()
	got, _ := receive(sub, func(r received) bool { return r.caughtUp == 1 })
	if len(got.events) != 3 {
		t.Errorf("%d events, want the 3 non-system ones", len(got.events))
	}
}

func TestDropSubscriptionsEndsRecvWithError(t *testing.T) {
	srv, c := start(t, Config{})
	mustAppend(t, c, "dropped", esdb.NoStream{}, events("e", 2)...)
	subs := make([]*esdb.Subscription, 3)
	for i := range subs {
		sub, err := c.SubscribeToStream(testContext(t), "dropped", esdb.SubscribeToStreamOptions{From: esdb.Start{}})
		if err != nil {
			t.Fatalf("subscribe: %v", err)
		}
		defer sub.Close()
		receive(sub, func(r received) bool { return r.caughtUp == 1 })
		subs[i] = sub
	}
	eventually(t, "3 tracked subscriptions", func() bool { return srv.subscriptionCount() == 3 })

	srv.DropSubscriptions()
	for i, sub := range subs {
		_, dropped := receive(sub, func(received) bool { return false })
		if status.Code(dropped) != codes.Unavailable {
			t.Errorf("subscription %d dropped with %v, want Unavailable", i, dropped)
		}
	}

	again, err := c.SubscribeToStream(testContext(t), "dropped", esdb.SubscribeToStreamOptions{From: esdb.Revision(0)})
	if err != nil {
		t.Fatalf("resubscribe after the drop: %v", err)
	}
	defer again.Close()
	got, _ := receive(again, func(r received) bool { return r.caughtUp == 1 })
	if revs := revisions(got.events); !equalRevisions(revs, []uint64{1}) {
		t.Errorf("resubscribed: revisions %v, want [1]", revs)
	}
}

func TestCloseDropsSubscriptions(t *testing.T) {
	srv, c := start(t, Config{})
	sub, err := c.SubscribeToAll(testContext(t), esdb.SubscribeToAllOptions{From: esdb.End{}})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer sub.Close()
	receive(sub, func(r received) bool { return r.caughtUp == 1 })
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, dropped := receive(sub, func(received) bool { return false }); dropped == nil {
		t.Error("subscription survived Close")
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestClientCancellationEndsServerStream(t *testing.T) {
	srv, c := start(t, Config{})
	ctx, cancel := context.WithCancel(testContext(t))
	sub, err := c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: esdb.Start{}})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	receive(sub, func(r received) bool { return r.caughtUp == 1 })
	eventually(t, "the subscription to be tracked", func() bool { return srv.subscriptionCount() == 1 })
	cancel()
	eventually(t, "the server to end the cancelled subscription", func() bool { return srv.subscriptionCount() == 0 })

	sub2, err := c.SubscribeToStream(testContext(t), "x", esdb.SubscribeToStreamOptions{})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	eventually(t, "the subscription to be tracked", func() bool { return srv.subscriptionCount() == 1 })
	if err := sub2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	eventually(t, "the server to end the closed subscription", func() bool { return srv.subscriptionCount() == 0 })
}

func TestFellBehindWhenConfigured(t *testing.T) {
	_, c := start(t, Config{FellBehindAfter: 5})
	sub, err := c.SubscribeToStream(testContext(t), "slow", esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer sub.Close()
	receive(sub, func(r received) bool { return r.caughtUp == 1 })
	mustAppend(t, c, "slow", esdb.NoStream{}, events("e", 20)...)
	got, _ := receive(sub, func(r received) bool { return len(r.events) == 20 && r.caughtUp == 1 })
	if got.fellBehind != 1 {
		t.Errorf("%d fell_behind messages, want 1", got.fellBehind)
	}
}
