package bus_test

import (
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

func newUUID() string { return uuid.NewString() }

// features are what the bus over the log really offers.
func features(short bool) tests.Features {
	return tests.Features{
		ConsumerGroups:                   true,
		ExactlyOnceDelivery:              false, // at least once: offsets are saved periodically
		GuaranteedOrder:                  true,  // log order, one message at a time
		Persistent:                       true,
		NewSubscriberReceivesOldMessages: true, // no group: every subscription replays the topic
		ContextPreserved:                 false,
		ForceShort:                       short,
	}
}

// suitePubSub returns the constructors of the universal suite: every
// publisher and subscriber shares one SQLite log, as the consumers of a
// node share its log file. plainGroup names the group of the plain
// constructor ("" for none).
func suitePubSub(store eventstore.Store, plainGroup func() string) (tests.PubSubConstructor, tests.ConsumerGroupPubSubConstructor) {
	withGroup := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		pub, err := bus.NewPublisher(store, bus.PublisherConfig{Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := bus.NewSubscriber(store, bus.SubscriberConfig{
			ConsumerGroup:   group,
			NackResendDelay: time.Millisecond,
			Logger:          testLogger(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		return pub, sub
	}
	plain := func(t *testing.T) (message.Publisher, message.Subscriber) { return withGroup(t, plainGroup()) }
	return plain, withGroup
}

func noGroup() string { return "" }

// TestUniversalPubSub runs watermill's suite at full size (reduced in
// -short mode) with plain subscribers that keep no offset.
func TestUniversalPubSub(t *testing.T) {
	store, _ := openStore(t)
	plain, grouped := suitePubSub(store, noGroup)
	tests.TestPubSub(t, features(testing.Short()), plain, grouped)
}

// TestUniversalPubSubGroupPerSubscriber runs the suite (reduced) with every
// plain subscriber in a consumer group of its own, so that the offset
// machinery — flushes, fencing versions, the group's claim on a topic —
// runs under every scenario of the suite without changing what it expects.
func TestUniversalPubSubGroupPerSubscriber(t *testing.T) {
	store, _ := openStore(t)
	plain, grouped := suitePubSub(store, func() string { return "suite-" + newUUID() })
	tests.TestPubSub(t, features(true), plain, grouped)
}

// defaultStressCopies is how many reduced suites the stress test runs in
// parallel unless STRESS_TEST_COUNT says otherwise (watermill's default of
// 10 takes about 40 s with -race on two cores).
const defaultStressCopies = "3"

// TestUniversalPubSubStress runs copies of the reduced suite in parallel on
// one log.
func TestUniversalPubSubStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress run skipped in -short mode")
	}
	if os.Getenv("STRESS_TEST_COUNT") == "" {
		t.Setenv("STRESS_TEST_COUNT", defaultStressCopies)
	}
	store, _ := openStore(t)
	plain, grouped := suitePubSub(store, noGroup)
	tests.TestPubSubStressTest(t, features(true), plain, grouped)
}
