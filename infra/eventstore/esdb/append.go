package esdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// Append appends events to stream if expected holds, as the port documents.
//
// EventStoreDB does not compute our chain links, which depend on the
// revision and the link of the previous event. So Append reads the stream's
// tail, answers a retry from it, checks expected against it, computes the
// links and appends under the condition it derived from the tail (the
// revision it read, or NoStream): a racing writer makes that append fail
// instead of breaking the chain. Then it reads the tail again — and, under
// Exact or NoStream, reports the conflict; under Any or StreamExists it
// tries again, at most AppendAttempts times.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append %s: %w", stream, err)
	}
	res, err := s.append(ctx, stream, expected, events)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append %s: %w", stream, err)
	}
	return res, nil
}

func (s *Store) append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.otherStream(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	var state eventstore.StreamState
	reread := false
	for attempt := 1; ; attempt++ {
		t, err := s.readTail(ctx, stream, s.cfg.IdempotencyWindow+len(events))
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		state = t.state()
		if res, retry, err := t.retried(stream, events); err != nil || retry {
			return res, err
		}
		if err := s.beyondWindow(stream, events); err != nil {
			// A concurrent retry of the same append may have landed (and
			// recorded its IDs) after our tail was read: read it once more
			// before calling the IDs older than the window.
			if !reread {
				reread = true
				continue
			}
			return eventstore.AppendResult{}, err
		}
		if !expected.Satisfied(state.Revision, state.Exists) {
			return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: state}
		}
		if len(events) == 0 {
			return t.result(), nil
		}
		if attempt > s.cfg.AppendAttempts {
			break
		}
		res, err := s.appendAfter(ctx, stream, t, events)
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			// A writer got in between; the next round sees its events.
			continue
		}
		return res, err
	}
	s.log.Warn("esdb: append lost every race for the stream's tail", "stream", stream, "attempts", s.cfg.AppendAttempts)
	return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: state}
}

// otherStream fails with ErrDuplicateEventID if this Store appended one of
// the event IDs to another stream (see recentIDs for the limits).
func (s *Store) otherStream(stream string, events []eventstore.EventData) error {
	for _, e := range events {
		if other, ok := s.ids.streamOf(e.ID); ok && other != stream {
			return fmt.Errorf("%w: event %s was appended to stream %s", eventstore.ErrDuplicateEventID, e.ID, other)
		}
	}
	return nil
}

// beyondWindow fails with ErrDuplicateEventID if this Store appended one
// of the event IDs to stream before the tail it read: a retry it can no
// longer answer with the first result, but must not store twice.
func (s *Store) beyondWindow(stream string, events []eventstore.EventData) error {
	for _, e := range events {
		if other, ok := s.ids.streamOf(e.ID); ok && other == stream {
			return fmt.Errorf("%w: event %s was appended to %s before its last %d events (IdempotencyWindow)", eventstore.ErrDuplicateEventID, e.ID, stream, s.cfg.IdempotencyWindow)
		}
	}
	return nil
}

// appendAfter appends events right after the tail t, under the condition t
// implies, and returns the result a retry will see again.
func (s *Store) appendAfter(ctx context.Context, stream string, t tail, events []eventstore.EventData) (eventstore.AppendResult, error) {
	var (
		next uint64
		prev eventstore.Hash
		cond esdb.ExpectedRevision = esdb.NoStream{}
	)
	if last, ok := t.last(); ok {
		next, prev, cond = last.Revision+1, last.Hash, esdb.Revision(last.Revision)
	}
	proposed, _ := toProposed(s.cfg.Namespace, stream, prev, next, events)
	wr, err := do(ctx, s, stream, func(es *esdb.Client) (*esdb.WriteResult, error) {
		return es.AppendToStream(ctx, remoteName(s.cfg.Namespace, stream), esdb.AppendToStreamOptions{ExpectedRevision: cond}, proposed...)
	})
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	ids := make([]uuid.UUID, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	s.ids.add(stream, ids)
	lastRev := next + uint64(len(events)) - 1
	res := eventstore.AppendResult{
		NextExpectedRevision: lastRev,
		Position:             eventstore.Position{Commit: wr.CommitPosition, Prepare: wr.PreparePosition},
	}
	// The result's position must be that of the last appended event, the
	// one a retry finds in the tail. The append response carries the
	// transaction's position, which for several events need not be the
	// last one's: read it back.
	got, err := s.readStream(ctx, stream, eventstore.Forwards, lastRev, 1)
	switch {
	case err != nil:
		s.log.Warn("esdb: reading back an append failed; its result carries the server's transaction position",
			"stream", stream, "revision", lastRev, "err", err)
	case len(got) == 1 && got[0].ID == events[len(events)-1].ID:
		res.Position = got[0].Position
	default:
		return eventstore.AppendResult{}, fmt.Errorf("%w: revision %d of %s is not the event just appended", eventstore.ErrIncompatibleStore, lastRev, stream)
	}
	return res, nil
}

// tail is the end of a stream, newest event first; empty when the stream
// does not exist.
type tail []decoded

// readTail reads up to n of the stream's latest events.
func (s *Store) readTail(ctx context.Context, stream string, n int) (tail, error) {
	events, err := s.readStream(ctx, stream, eventstore.Backwards, eventstore.StreamEnd, max(n, 1))
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return nil, nil
	}
	return tail(events), err
}

func (t tail) last() (decoded, bool) {
	if len(t) == 0 {
		return decoded{}, false
	}
	return t[0], true
}

func (t tail) state() eventstore.StreamState {
	if last, ok := t.last(); ok {
		return eventstore.StreamState{Exists: true, Revision: last.Revision}
	}
	return eventstore.StreamState{}
}

// result is the outcome of an empty append: the stream's current state.
func (t tail) result() eventstore.AppendResult {
	last, ok := t.last()
	if !ok {
		return eventstore.AppendResult{}
	}
	return eventstore.AppendResult{NextExpectedRevision: last.Revision, Position: last.Position}
}

// retried reports whether events are a retry of one earlier append to this
// stream, found in the tail, and then returns that append's result. IDs of
// which only some are stored, or that were stored by different appends,
// fail with ErrDuplicateEventID. The envelope records each event's index in
// its append and the append's size, so "the same append" is exact.
func (t tail) retried(stream string, events []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	if len(events) == 0 {
		return eventstore.AppendResult{}, false, nil
	}
	at := make(map[uuid.UUID]int, len(t))
	for i, e := range t {
		at[e.ID] = i
	}
	found := 0
	for _, e := range events {
		if _, ok := at[e.ID]; ok {
			found++
		}
	}
	switch {
	case found == 0:
		return eventstore.AppendResult{}, false, nil
	case found < len(events):
		return eventstore.AppendResult{}, false, fmt.Errorf("%w: %d of %d event IDs are already in stream %s", eventstore.ErrDuplicateEventID, found, len(events), stream)
	}
	first := t[at[events[0].ID]]
	for i, e := range events {
		got := t[at[e.ID]]
		if got.Revision != first.Revision+uint64(i) || got.index != i || got.count != len(events) {
			return eventstore.AppendResult{}, false, fmt.Errorf("%w: event IDs already in stream %s, but not as one append in this order", eventstore.ErrDuplicateEventID, stream)
		}
	}
	last := t[at[events[len(events)-1].ID]]
	return eventstore.AppendResult{NextExpectedRevision: last.Revision, Position: last.Position}, true, nil
}
