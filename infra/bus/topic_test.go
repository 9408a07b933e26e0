package bus_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
)

func TestTopicMatches(t *testing.T) {
	tests := []struct {
		name, topic, stream string
		want                bool
	}{
		{"same stream", "operation", "operation", true},
		{"category member", "operation", "operation-7f3a", true},
		{"nested category member", "operation", "operation-7f3a-x", true},
		{"longer name is not a member", "operation", "operations", false},
		{"dot is not a separator", "operation", "operation.audit", false},
		{"prefix of the topic", "operation-1", "operation", false},
		{"suite topics do not collide", "topic-1", "topic-10", false},
		{"all", bus.TopicAll, "unit-1", true},
		{"all excludes offsets", bus.TopicAll, bus.OffsetStream("g", "t"), false},
		{"category excludes offsets", "jointops", bus.OffsetStream("g", "t"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bus.TopicMatches(tt.topic, tt.stream); got != tt.want {
				t.Errorf("TopicMatches(%q, %q) = %v, want %v", tt.topic, tt.stream, got, tt.want)
			}
		})
	}
}

func TestInvalidTopics(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	sub := newSubscriber(t, store, bus.SubscriberConfig{})
	tests := []struct {
		name        string
		topic       string
		publishOK   bool
		subscribeOK bool
	}{
		{name: "empty", topic: ""},
		{name: "store stream", topic: "$all"},
		{name: "offset streams", topic: "jointops.offsets"},
		{name: "an offset stream", topic: bus.OffsetStream("g", "t")},
		{name: "not UTF-8", topic: "op\xff"},
		{name: "all", topic: bus.TopicAll, subscribeOK: true},
		{name: "plain", topic: "operation", publishOK: true, subscribeOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pub.Publish(tt.topic, message.NewMessage(newUUID(), nil))
			if (err == nil) != tt.publishOK || (err != nil && !errors.Is(err, bus.ErrInvalidTopic)) {
				t.Errorf("Publish(%q) = %v, want ok=%v or ErrInvalidTopic", tt.topic, err, tt.publishOK)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err = sub.Subscribe(ctx, tt.topic)
			if (err == nil) != tt.subscribeOK || (err != nil && !errors.Is(err, bus.ErrInvalidTopic)) {
				t.Errorf("Subscribe(%q) = %v, want ok=%v or ErrInvalidTopic", tt.topic, err, tt.subscribeOK)
			}
		})
	}
}
