package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// command is one run of a use case.
type command[A domain.Aggregate] struct {
	useCase string
	id      CommandID
	p       Principal
	input   any
	stream  string
	op      domain.OperationID
	fresh   func() A
	// authorize, if set, checks the principal against other aggregates
	// (the operation a report is filed in) before this stream is locked, so
	// that no command holds two stream locks at once.
	authorize func(ctx context.Context) error
	// decide authorizes against the loaded state and lets the aggregate
	// decide; it returns a refusal or nil with the changes raised on a.
	decide func(ctx context.Context, a A) error
}

// run answers a retried command from its recorded outcome, or loads,
// decides and appends — again on a conflict, up to Attempts times — and
// records the outcome.
//
// A warm aggregate is decided on as cached, without reading the stream:
// the append expects the cached version, so it lands only if nothing was
// appended since, and a conflict reloads and decides again. A refusal is
// never given on unread state: it is checked against the stream's end first.
func run[A domain.Aggregate](ctx context.Context, h *Handlers, c command[A]) (Accepted, error) {
	if c.id.IsZero() {
		var p domain.Problems
		p.Add("command_id", "required")
		return Accepted{}, p.Err()
	}
	fp, err := fingerprint(c.useCase, c.p, c.input)
	if err != nil {
		return Accepted{}, err
	}
	if acc, err, done := h.claim(ctx, c.id, fp); done {
		return acc, err
	}
	defer h.memo.end(c.id)

	if c.authorize != nil {
		if err := c.authorize(ctx); err != nil {
			return Accepted{}, h.refuse(ctx, c.id, fp, err)
		}
	}
	unlock := h.lock(c.stream)
	defer unlock()
	trust, conflicts := true, 0
	for {
		a, read, err := load(ctx, h, c.stream, c.fresh, trust)
		if err != nil {
			return Accepted{}, err
		}
		if err := c.decide(ctx, a); err != nil {
			h.discard(c.stream, a)
			if _, isRefusal := refusalOf(err); isRefusal && !read {
				trust = false // the stream may have moved on: decide again on its end
				continue
			}
			return refused(ctx, h, c, fp, err)
		}
		changes := a.Changes()
		app, err := h.cfg.Log.Append(ctx, c.stream, a.Version(), Envelope{CommandID: c.id, CorrelationID: uuid.UUID(c.id), Operation: c.op}, changes)
		if err != nil {
			h.cache.drop(c.stream)
			if conflicts++; errors.Is(err, ErrConflict) && conflicts < h.cfg.Attempts {
				trust = false
				continue
			}
			return Accepted{}, fmt.Errorf("%s: %w", c.useCase, err)
		}
		if app.Version != a.Version()+uint64(len(changes)) {
			// Answered by the log's idempotency with an earlier append of this
			// command: our in-memory aggregate is not what the stream holds.
			h.cache.drop(c.stream)
		} else {
			a.Commit()
			h.cache.reweigh(c.stream, a) // it grew by the changes
			h.current(a)
			h.snapshotLater(ctx, c.stream, a)
		}
		acc := Accepted{Stream: c.stream, Position: app.Position, Revision: app.Version - 1, Events: len(changes)}
		for _, e := range changes {
			if e.Late() {
				acc.Late, acc.LateBy = true, e.LateBy
			}
		}
		return h.accept(ctx, c.id, fp, acc), nil
	}
}

// refused answers a decision that failed on the stream's current state. The
// refusal may be this very command's own earlier success ("report already
// in the log"), if the process died after the append and before the outcome
// was recorded: the log is searched for it first.
func refused[A domain.Aggregate](ctx context.Context, h *Handlers, c command[A], fp [32]byte, err error) (Accepted, error) {
	if _, isRefusal := refusalOf(err); isRefusal {
		f, found, ferr := h.cfg.Log.Find(ctx, c.stream, c.id)
		if ferr != nil {
			return Accepted{}, fmt.Errorf("%s: %w", c.useCase, ferr)
		}
		if found {
			return h.accept(ctx, c.id, fp, Accepted{Stream: c.stream, Position: f.Position,
				Revision: f.Version - 1, Events: f.Events, Late: f.LateBy > 0, LateBy: f.LateBy}), nil
		}
	}
	return Accepted{}, h.refuse(ctx, c.id, fp, err)
}

// load returns the aggregate of stream and whether the stream was read to
// its end for it. With trust, a cached aggregate is returned as it is (for a
// decision whose append will prove it current); otherwise the stream's
// events after the cached version are folded in first. An aggregate not in
// the cache is built cold: from its latest snapshot, if there is one, and
// the events after it.
func load[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A, trust bool) (A, bool, error) {
	c, snapshot := h.cache.get(stream)
	a, ok := c.(A)
	if ok && trust {
		return a, false, nil
	}
	var err error
	if ok {
		_, err = h.cfg.Log.Load(ctx, stream, a.Version(), a.Replay)
	} else {
		a, snapshot, err = cold(ctx, h, stream, fresh)
	}
	if err != nil {
		h.cache.drop(stream)
		var zero A
		return zero, false, fmt.Errorf("load %s: %w", stream, err)
	}
	h.cache.put(stream, a, snapshot)
	h.current(a)
	h.snapshotLater(ctx, stream, a)
	return a, true, nil
}

// discard forgets a cached aggregate a refused decision left changes on.
func (h *Handlers) discard(stream string, a domain.Aggregate) {
	if len(a.Changes()) > 0 {
		h.cache.drop(stream)
	}
}

// view runs fn on the current state of the aggregate of stream (read to the
// stream's end), under the stream's lock; fn must not keep the aggregate.
func view[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A, fn func(A) error) error {
	unlock := h.lock(stream)
	defer unlock()
	a, _, err := load(ctx, h, stream, fresh, false)
	if err != nil {
		return err
	}
	return fn(a)
}
