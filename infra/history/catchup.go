package history

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// catchUpPage is how many events CatchUp reads at a time.
const catchUpPage = 4096

// CatchUp folds into the index every event of the log after the last one
// it folded, reading the log directly, and returns how many it folded. It
// is for a tool that reads history once without a projection runner (the
// replay command): restore the runner's saved index with
// Projection().Restore, then CatchUp reads only the log's tail; with
// nothing restored, the whole log. An event that does not decode is
// skipped with a warning, as the runner would poison it.
func (h *History) CatchUp(ctx context.Context) (int, error) {
	from := eventstore.Start
	if head, ok := h.Head(); ok {
		from = eventstore.After(head)
	}
	p := h.Projection()
	n := 0
	for {
		page, err := h.cfg.Reader.ReadAll(ctx, eventstore.Forwards, from, catchUpPage)
		if err != nil {
			return n, fmt.Errorf("history: catch up from %s: %w", from, err)
		}
		for _, rec := range page {
			from = eventstore.After(rec.Position)
			if strings.HasPrefix(rec.Stream, "$") {
				continue
			}
			ev, known, err := h.cfg.Decoder.Decode(rec)
			if err != nil {
				h.log.Warn("event skipped: it does not decode", slog.String("position", rec.Position.String()), slog.Any("error", err))
				continue
			}
			if !known {
				continue
			}
			env := projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}
			if err := p.Apply(ctx, env); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < catchUpPage {
			return n, nil
		}
	}
}
