package history

import (
	"context"
	"fmt"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// FrameOccurredAt returns the board of the operation's events that
// happened (occurred_at, the field clock) at or before t, folded in log
// order, with the agency directory of the directory events that happened
// by then: late reports recorded after t about what happened before it are
// included, which no log position shows. No snapshot holds such a set of
// events, so it reads and folds every event of the operation the index
// knows, chunk after chunk: it costs a full fold (see docs/BENCHMARKS.md)
// but holds one chunk of the index at a time. The frame's position is that
// of the last event folded.
func (h *History) FrameOccurredAt(ctx context.Context, op domain.OperationID, t time.Time) (*Frame, error) {
	v, dir, _, err := h.index(op)
	if err != nil {
		return nil, fmt.Errorf("history: frame: %w", err)
	}
	limit := t.UnixNano()
	happened := selection{
		skip: func(c *chunk) bool { return c.minOccurred > limit },
		keep: func(_ *chunkData, e *entry) bool { return e.occurred <= limit },
	}
	b, err := board.New(op, h.cfg.Board)
	if err != nil {
		return nil, fmt.Errorf("history: frame of %s: %w", op, err)
	}
	f := newFrame(op, b, directoryAt(dir, func(d *dirEntry) bool { return !d.env.Event.OccurredAt.After(t) }), eventstore.Position{})
	err = h.read(ctx, v, 0, v.len(), happened, func(env projections.Envelope, rec *eventstore.RecordedEvent) error {
		f.fold(env, rec.Position)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history: frame of %s occurred at %s: %w", op, t.Format(time.RFC3339), err)
	}
	return f, nil
}
