package esdb

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// clientLogging routes the client's log statements to l. Without it the
// client prints through the standard library's global logger
// (esdb.ConsoleLogging).
//
// The client logs routine events at its error level: every cancelled
// subscription ("subscription has dropped") and every failed call
// ("unexpected exception"), including our own cancellations. The adapter
// reports real failures to its callers as errors, so client errors are
// logged as warnings here and client messages carry component=esdb-client.
func clientLogging(l *slog.Logger) esdb.LoggingFunc {
	l = l.With("component", "esdb-client")
	return func(level esdb.LogLevel, format string, args ...interface{}) {
		lvl := slog.LevelInfo
		switch level {
		case esdb.LogDebug:
			lvl = slog.LevelDebug
		case esdb.LogWarn, esdb.LogError:
			lvl = slog.LevelWarn
		}
		// The callback carries no context; the message is formatted only
		// when the level is enabled.
		ctx := context.Background()
		if l.Enabled(ctx, lvl) {
			l.Log(ctx, lvl, fmt.Sprintf(format, args...), "client_level", level)
		}
	}
}
