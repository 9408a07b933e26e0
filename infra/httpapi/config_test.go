package httpapi

import (
	"crypto/ed25519"
	"math"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New accepted a config without handlers or key")
	}
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"nothing set", Config{}, []string{"commands", "token key"}},
		{"bad limits", Config{RateLimit: -1, RateBurst: -1, MaxBodyBytes: 10}, []string{"rate limit", "rate burst", "max body bytes"}},
		{"infinite rate", Config{RateLimit: math.Inf(1)}, []string{"rate limit"}},
		{"short key", Config{TokenKey: ed25519.PublicKey{1, 2, 3}}, []string{"token key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.setDefaults()
			err := cfg.Validate()
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
