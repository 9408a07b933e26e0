package projector_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/projector"
)

func TestConfigValidate(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		edit func(*projector.Config)
		want []string // every problem reported at once; none for a valid config
	}{
		{name: "valid", edit: func(*projector.Config) {}},
		{name: "zero fields take the defaults", edit: func(c *projector.Config) {
			*c = projector.Config{Store: c.Store, Decoder: c.Decoder, CheckpointPath: c.CheckpointPath}
		}},
		{
			name: "required fields",
			edit: func(c *projector.Config) { c.Store, c.Decoder, c.CheckpointPath = nil, nil, "" },
			want: []string{"store: required", "decoder: required", "checkpoint path: required"},
		},
		{
			name: "checkpoint path as a URI",
			edit: func(c *projector.Config) { c.CheckpointPath = "file:cp.db?mode=memory" },
			want: []string{"want a plain file name"},
		},
		{
			name: "poison topic that cannot be published to",
			edit: func(c *projector.Config) { c.PoisonTopic = "*" },
			want: []string{"poison topic"},
		},
		{
			name: "negative and inconsistent sizes",
			edit: func(c *projector.Config) {
				c.FlushInterval, c.HeadInterval = -time.Second, -1
				c.CatchUpThreshold, c.CatchUpPage, c.LagLimit = 100, 10, -1
				c.MaxRetries, c.RetryInitialInterval, c.RetryMaxInterval = -1, time.Second, time.Millisecond
			},
			want: []string{"flush interval", "head interval", "catch-up page 10: want ≥ catch-up threshold 100", "lag limit", "max retries", "retry intervals"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := e.config(t)
			tt.edit(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, missing %q", err, w)
				}
			}
		})
	}
}

func TestNewAppliesDefaults(t *testing.T) {
	e := newEnv(t)
	r, err := projector.New(t.Context(), projector.Config{Store: e.store, Decoder: e.world.codec, CheckpointPath: e.checkpoints}, newCounter("count"))
	if err != nil {
		t.Fatalf("New with only the required fields: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
