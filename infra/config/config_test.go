package config

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultsValidate(t *testing.T) {
	var c Config
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.SQLitePath() != "data/events.db" {
		t.Fatalf("sqlite path = %q", c.SQLitePath())
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Config)
		want []string
	}{
		{"bad addr", func(c *Config) { c.HTTPAddr = "nonsense" }, []string{"http addr"}},
		{"half tls", func(c *Config) { c.TLSCertFile = "c.pem" }, []string{"tls"}},
		{"esdb without url", func(c *Config) { c.Store = StoreESDB }, []string{"esdb url"}},
		{"unknown store", func(c *Config) { c.Store = "mongo" }, []string{`store "mongo"`}},
		{"several at once", func(c *Config) { c.LogLevel = "loud"; c.ShutdownTimeout = -time.Second },
			[]string{"log level", "shutdown timeout"}},
		{"api limits", func(c *Config) { c.RateLimit = -1; c.RateBurst = -2; c.MaxBodyBytes = 10 },
			[]string{"rate limit", "rate burst", "max body bytes"}},
		{"infinite rate", func(c *Config) { c.RateLimit = math.Inf(1) }, []string{"rate limit"}},
		{"origin with a path", func(c *Config) { c.AllowedOrigins = []string{"https://ops.example/board"} }, []string{"allowed origin"}},
		{"origin without scheme", func(c *Config) { c.AllowedOrigins = []string{"ops.example"} }, []string{"allowed origin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.SetDefaults()
			tt.mut(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		"JOINTOPS_HTTP_ADDR":        "127.0.0.1:9999",
		"JOINTOPS_STORE":            "esdb",
		"JOINTOPS_ESDB_URL":         "esdb://localhost:2113?tls=false",
		"JOINTOPS_SHUTDOWN_TIMEOUT": "3s",
	}
	var c Config
	if err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	c.SetDefaults()
	if c.HTTPAddr != "127.0.0.1:9999" || c.Store != StoreESDB || c.ShutdownTimeout != 3*time.Second {
		t.Fatalf("env not applied: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := func(k string) (string, bool) {
		if k == "JOINTOPS_SHUTDOWN_TIMEOUT" {
			return "soon", true
		}
		return "", false
	}
	if err := (&Config{}).FromEnv(bad); err == nil {
		t.Fatal("want an error for a bad duration")
	}
}

func TestAPILimitsFromEnv(t *testing.T) {
	env := map[string]string{
		"JOINTOPS_RATE_LIMIT":     "12.5",
		"JOINTOPS_RATE_BURST":     "30",
		"JOINTOPS_MAX_BODY_BYTES": "65536",
		"JOINTOPS_TOKEN_KEY":      "/etc/jointops/key.pem",
	}
	var c Config
	if err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	c.SetDefaults()
	if c.RateLimit != 12.5 || c.RateBurst != 30 || c.MaxBodyBytes != 65536 || c.TokenKeyPath() != "/etc/jointops/key.pem" {
		t.Fatalf("env not applied: %+v", c)
	}
	for _, k := range []string{"JOINTOPS_RATE_LIMIT", "JOINTOPS_RATE_BURST", "JOINTOPS_MAX_BODY_BYTES"} {
		t.Run(k, func(t *testing.T) {
			lookup := func(name string) (string, bool) { return "lots", name == k }
			if err := (&Config{}).FromEnv(lookup); err == nil || !strings.Contains(err.Error(), k) {
				t.Fatalf("err = %v, want one naming %s", err, k)
			}
		})
	}
}

func TestTokenKeyPathDefaultsIntoDataDir(t *testing.T) {
	c := Config{DataDir: "/var/lib/jointops"}
	if got, want := c.TokenKeyPath(), filepath.Join("/var/lib/jointops", "keys", "token-signing.pem"); got != want {
		t.Fatalf("TokenKeyPath = %q, want %q", got, want)
	}
}

func TestBoardsAndDemoFromEnv(t *testing.T) {
	env := map[string]string{
		"JOINTOPS_ALLOWED_ORIGINS": " https://ops.example , http://wall.local:8080,",
		"JOINTOPS_DEMO":            "true",
	}
	var c Config
	if err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	c.SetDefaults()
	if !c.Demo || len(c.AllowedOrigins) != 2 || c.AllowedOrigins[0] != "https://ops.example" || c.AllowedOrigins[1] != "http://wall.local:8080" {
		t.Fatalf("env not applied: demo %v origins %q", c.Demo, c.AllowedOrigins)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (&Config{}).FromEnv(func(k string) (string, bool) { return "maybe", k == "JOINTOPS_DEMO" }); err == nil || !strings.Contains(err.Error(), "JOINTOPS_DEMO") {
		t.Fatalf("err = %v, want one naming JOINTOPS_DEMO", err)
	}
}

func TestCheckpointKeyAndInterval(t *testing.T) {
	c := Config{DataDir: "/var/lib/jointops"}
	c.SetDefaults()
	if c.CheckpointKeyPath() != filepath.Join("/var/lib/jointops", "checkpoint.key") ||
		c.CheckpointPublicKeyPath() != filepath.Join("/var/lib/jointops", "checkpoint.pub") || c.CheckpointInterval != time.Minute {
		t.Fatalf("defaults: %q %q %s", c.CheckpointKeyPath(), c.CheckpointPublicKeyPath(), c.CheckpointInterval)
	}
	env := map[string]string{"JOINTOPS_CHECKPOINT_KEY_FILE": "/keys/ckpt.pem", "JOINTOPS_CHECKPOINT_INTERVAL": "0s"}
	if err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.CheckpointPublicKeyPath() != "/keys/ckpt.pub" {
		t.Fatalf("public key beside %q: %q", c.CheckpointKeyPath(), c.CheckpointPublicKeyPath())
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "checkpoint interval") {
		t.Fatalf("Validate with a zero interval: %v", err)
	}
}

func TestCacheWeight(t *testing.T) {
	tests := []struct {
		name, env string
		want      int
		bad       string // a FromEnv or Validate error containing it
	}{
		{name: "the default", want: 0},
		{name: "set", env: "500000", want: 500000},
		{name: "not a number", env: "lots", bad: "JOINTOPS_CACHE_WEIGHT"},
		{name: "negative", env: "-1", want: -1, bad: "cache weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{}
			c.SetDefaults()
			env := map[string]string{}
			if tt.env != "" {
				env["JOINTOPS_CACHE_WEIGHT"] = tt.env
			}
			err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if err == nil {
				err = c.Validate()
			}
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("got %v, want an error about %s", err, tt.bad)
				}
				return
			}
			if err != nil || c.CacheWeight != tt.want {
				t.Fatalf("cache weight %d (%v), want %d", c.CacheWeight, err, tt.want)
			}
		})
	}
}
