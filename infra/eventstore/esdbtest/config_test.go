package esdbtest

import (
	"context"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // parts of the error; none for a valid config
	}{
		{name: "zero value", cfg: Config{}},
		{name: "explicit values", cfg: Config{Addr: "127.0.0.1:2113", ServerVersion: "24.2.0", MaxAppendSize: 10, FellBehindAfter: 3}},
		{name: "bad addr", cfg: Config{Addr: "nope"}, want: []string{"addr"}},
		{name: "bad version", cfg: Config{ServerVersion: "24.x"}, want: []string{"server version"}},
		{
			name: "every problem at once",
			cfg:  Config{Addr: "nope", ServerVersion: "1.2", MaxAppendSize: -1, FellBehindAfter: -1, ShutdownGrace: -1},
			want: []string{"addr", "server version", "max append size", "fell behind", "shutdown grace"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted an invalid config")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestStartRejectsInvalidConfig(t *testing.T) {
	if srv, err := Start(context.Background(), Config{MaxAppendSize: -1}); err == nil {
		_ = srv.Close()
		t.Fatal("Start accepted an invalid config")
	}
}
