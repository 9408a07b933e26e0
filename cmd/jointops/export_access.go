package main

import (
	"context"
	"log/slog"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/evidence"
)

// commandsRecorder records exports through the command handlers opened on
// the store (Seam 1), as the token's principal; close releases the
// handlers and their files.
func commandsRecorder(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec,
	log *slog.Logger, p app.Principal) (evidence.AccessRecorder, func() error, error) {
	h, closeCommands, err := openOfflineCommands(ctx, cfg, store, codec, log)
	if err != nil {
		return nil, nil, err
	}
	return handlersRecorder{h: h, p: p}, closeCommands, nil
}

// handlersRecorder records an export as a history access of kind export.
type handlersRecorder struct {
	h *app.Handlers
	p app.Principal
}

func (r handlersRecorder) RecordExport(ctx context.Context, a evidence.Access) error {
	_, err := r.h.RecordHistoryAccess(ctx, r.p, app.HistoryAccess{
		Operation: a.Operation, What: app.AccessExport, Purpose: a.Purpose, Parameters: a.Parameters, OccurredAt: a.OccurredAt,
	})
	return err
}
