package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   []string // every problem expected in the message; none: valid
	}{
		{"defaults", func(*Config) {}, nil},
		{"no path", func(c *Config) { c.Path = "" }, []string{"path: required"}},
		{"memory", func(c *Config) { c.Path = ":memory:" }, []string{"plain file name"}},
		{"uri", func(c *Config) { c.Path = "file:events.db" }, []string{"plain file name"}},
		{"query", func(c *Config) { c.Path = "events.db?mode=ro" }, []string{"plain file name"}},
		{"negative checkpoint interval", func(c *Config) { c.CheckpointInterval = -time.Second }, []string{"checkpoint interval"}},
		{"several problems", func(c *Config) {
			c.MaxBatch, c.RingSize, c.ReadConns, c.BusyTimeout = -1, -2, -3, -time.Second
		}, []string{"max batch: -1", "ring size: -2", "read conns: -3", "busy timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Path: "events.db"}
			tt.modify(&cfg)
			cfg.setDefaults()
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate = nil, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	var cfg Config
	cfg.setDefaults()
	if cfg.MaxBatch != DefaultMaxBatch || cfg.RingSize != DefaultRingSize || cfg.ReadConns != DefaultReadConns ||
		cfg.BusyTimeout != DefaultBusyTimeout || cfg.MmapSize != DefaultMmapSize || cfg.Clock == nil || cfg.Logger == nil {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	if at := cfg.Clock(); at.Location() != time.UTC {
		t.Fatalf("default clock in %s, want UTC", at.Location())
	}
	off := Config{MmapSize: -1}
	off.setDefaults()
	if off.MmapSize != 0 {
		t.Fatalf("negative MmapSize became %d, want 0 (disabled)", off.MmapSize)
	}
}

func TestOpenInvalidConfig(t *testing.T) {
	_, err := Open(context.Background(), Config{})
	if err == nil || errors.Is(err, eventstore.ErrIncompatibleStore) || !strings.Contains(err.Error(), "path: required") {
		t.Fatalf("Open(Config{}) = %v, want a config error", err)
	}
}
