package main

import (
	"context"
	"log/slog"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/projections/board"
)

// historySide is the server's history: the index the runner keeps (its
// projection) and what the HTTP API serves from it.
type historySide struct {
	history  *history.History
	recorder httpapi.HistoryRecorder
}

// newHistorySide builds the history index over the log, folding boards
// as the live ones are (the default board configuration), and the
// recorder of its reads (the command handlers, Seam 1).
func newHistorySide(store eventstore.Store, codec *eventlog.Codec, handlers *app.Handlers, log *slog.Logger) (*historySide, error) {
	h, err := history.New(history.Config{Reader: store, Decoder: codec, Board: board.Config{}, Logger: log.With("component", "history")})
	if err != nil {
		return nil, err
	}
	return &historySide{history: h, recorder: commandsHistoryRecorder{handlers: handlers}}, nil
}

// commandsHistoryRecorder records history reads through the command
// handlers (Seam 1, commands.RecordHistoryAccess) as the reading principal,
// in the operation's audit stream.
type commandsHistoryRecorder struct {
	handlers *app.Handlers
}

var _ httpapi.HistoryRecorder = commandsHistoryRecorder{}

// RecordHistoryRead records read as a history access of its kind.
func (r commandsHistoryRecorder) RecordHistoryRead(ctx context.Context, p app.Principal, read httpapi.HistoryRead) error {
	_, err := r.handlers.RecordHistoryAccess(ctx, p, app.HistoryAccess{
		Operation: read.Operation, What: app.AccessKind(read.What), Purpose: read.Purpose,
		Parameters: read.Parameters, OccurredAt: read.OccurredAt,
	})
	return err
}

// openHistoryRecorder opens what records a replay: the command handlers
// over the store and their files, released by close.
func openHistoryRecorder(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec, log *slog.Logger) (httpapi.HistoryRecorder, func() error, error) {
	h, closeCommands, err := openOfflineCommands(ctx, cfg, store, codec, log)
	if err != nil {
		return nil, nil, err
	}
	return commandsHistoryRecorder{handlers: h}, closeCommands, nil
}

// openOfflineCommands opens the command handlers over store and their
// files for an offline tool (replay, export), which records its history
// access through them as the server would; close releases them.
func openOfflineCommands(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec, log *slog.Logger) (*app.Handlers, func() error, error) {
	sys := &system{}
	h, err := newCommands(ctx, cfg, store, codec, log, sys)
	if err != nil {
		sys.close()
		return nil, nil, err
	}
	return h, func() error { sys.close(); return nil }, nil
}
