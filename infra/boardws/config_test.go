package boardws

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaultsAreValid(t *testing.T) {
	var c Config
	c.setDefaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Config)
		wants []string // substrings of the error; none: valid
	}{
		{"allowed origins", func(c *Config) {
			c.AllowedOrigins = []string{"https://board.example.org", "http://localhost:8080"}
		}, nil},
		{"origin with a path", func(c *Config) { c.AllowedOrigins = []string{"https://x.example/board"} }, []string{"allowed origins[0]", "scheme://host"}},
		{"origin without scheme", func(c *Config) { c.AllowedOrigins = []string{"x.example"} }, []string{"scheme must be http or https"}},
		{"every problem at once", func(c *Config) {
			c.QueueSize, c.WriteTimeout, c.ReadLimit = -1, -time.Second, 10
			c.PingInterval, c.PongTimeout = time.Minute, time.Second
		}, []string{"queue size -1", "write timeout", "read limit 10", "ping interval 1m0s: must be shorter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.setDefaults()
			tt.edit(&c)
			err := c.Validate()
			if len(tt.wants) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}
