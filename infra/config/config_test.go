package config

import (
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
