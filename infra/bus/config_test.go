package bus_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

func TestSubscriberConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     bus.SubscriberConfig
		wantErr []string
	}{
		{name: "zero value", cfg: bus.SubscriberConfig{}},
		{name: "group from the end", cfg: bus.SubscriberConfig{ConsumerGroup: "g", InitialCursor: eventstore.End}},
		{
			name:    "cursor at a position",
			cfg:     bus.SubscriberConfig{InitialCursor: eventstore.After(eventstore.Position{Commit: 1, Prepare: 1})},
			wantErr: []string{"InitialCursor"},
		},
		{
			name:    "every problem at once",
			cfg:     bus.SubscriberConfig{ConsumerGroup: "\xff", NackResendDelay: -1, OffsetFlushInterval: -time.Second, ResubscribeDelay: -1},
			wantErr: []string{"ConsumerGroup", "NackResendDelay", "OffsetFlushInterval", "ResubscribeDelay"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrs(t, tt.cfg.Validate(), tt.wantErr)
		})
	}
}

func TestRouterConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     bus.RouterConfig
		wantErr []string
	}{
		{name: "poison topic only", cfg: bus.RouterConfig{PoisonTopic: "poison.op"}},
		{name: "no poison topic", cfg: bus.RouterConfig{}, wantErr: []string{"PoisonTopic"}},
		{
			name:    "every problem at once",
			cfg:     bus.RouterConfig{PoisonTopic: bus.TopicAll, MaxRetries: -1, RetryInitialInterval: time.Second, RetryMaxInterval: time.Millisecond, CloseTimeout: -1},
			wantErr: []string{"PoisonTopic", "MaxRetries", "retry intervals", "CloseTimeout"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrs(t, tt.cfg.Validate(), tt.wantErr)
		})
	}
}

func TestPublisherConfigValidate(t *testing.T) {
	checkErrs(t, bus.PublisherConfig{}.Validate(), nil)
	checkErrs(t, bus.PublisherConfig{DefaultEventType: "\xff"}.Validate(), []string{"DefaultEventType"})
	if _, err := bus.NewPublisher(nil, bus.PublisherConfig{}); err == nil {
		t.Error("NewPublisher(nil store) succeeded")
	}
	if _, err := bus.NewSubscriber(nil, bus.SubscriberConfig{}); err == nil {
		t.Error("NewSubscriber(nil store) succeeded")
	}
}

// checkErrs checks that err mentions each of want, or is nil if want is empty.
func checkErrs(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one mentioning %v", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}
