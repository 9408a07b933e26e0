package esdb

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

func TestClientLoggingRoutesToSlog(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log := clientLogging(l)
	tests := []struct {
		level esdb.LogLevel
		want  string
	}{
		{esdb.LogDebug, "level=DEBUG"},
		{esdb.LogInfo, "level=INFO"},
		{esdb.LogWarn, "level=WARN"},
		{esdb.LogError, "level=WARN"}, // the client's routine "errors" are warnings here
	}
	for _, tc := range tests {
		t.Run(tc.level, func(t *testing.T) {
			buf.Reset()
			log(tc.level, "discovery attempt %v/%v", 1, 10)
			out := buf.String()
			for _, want := range []string{tc.want, `msg="discovery attempt 1/10"`, "component=esdb-client", "client_level=" + tc.level} {
				if !strings.Contains(out, want) {
					t.Errorf("log line %q lacks %q", out, want)
				}
			}
		})
	}
}
