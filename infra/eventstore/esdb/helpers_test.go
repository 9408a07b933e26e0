package esdb_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// testHandler logs warnings and errors to the test's log, so they show up
// with a failing test; quieter records are dropped.
type testHandler struct {
	t     testing.TB
	attrs []slog.Attr
}

func (h testHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h testHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s", a)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s", a)
		return true
	})
	h.t.Log(b.String())
	return nil
}

func (h testHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return testHandler{t: h.t, attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

func (h testHandler) WithGroup(string) slog.Handler { return h }

// discard is a logger that drops everything.
func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
