package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jointops/jointops/infra/eventstore"
)

// Request states: a request is pending until either the writer claims it
// (and will answer it) or its caller abandons it (and has returned).
const (
	reqPending int32 = iota
	reqClaimed
	reqAbandoned
)

// appendReq is one Append call waiting for the writer.
type appendReq struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedRevision
	events   []eventstore.EventData
	state    atomic.Int32
	reply    chan appendReply // buffered: the writer never waits for the caller
}

type appendReply struct {
	res eventstore.AppendResult
	err error
}

// claim is called by the writer before it writes the request; false means
// the caller gave up and must not be written or answered.
func (r *appendReq) claim() bool { return r.state.CompareAndSwap(reqPending, reqClaimed) }

// abandon is called by a caller whose ctx is done; false means the writer
// already claimed the request, whose real outcome will follow.
func (r *appendReq) abandon() bool { return r.state.CompareAndSwap(reqPending, reqAbandoned) }

func (r *appendReq) answer(res eventstore.AppendResult, err error) {
	r.reply <- appendReply{res: res, err: err}
}

// Append implements eventstore.Store. The events are handed to the writer
// goroutine, which commits them with whatever other appends are waiting in
// one transaction; Append returns once that transaction is durable.
//
// If ctx is done before the writer takes the request, nothing is appended
// and ctx.Err() is returned; once the writer has taken it, Append waits for
// the real outcome, which is bounded by one transaction.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	req := &appendReq{
		ctx:      ctx,
		stream:   stream,
		expected: expected,
		events:   events,
		reply:    make(chan appendReply, 1),
	}
	if err := s.enqueue(ctx, req); err != nil {
		return eventstore.AppendResult{}, err
	}
	select {
	case r := <-req.reply:
		return r.res, r.err
	case <-ctx.Done():
		if req.abandon() {
			return eventstore.AppendResult{}, ctx.Err()
		}
		r := <-req.reply
		return r.res, r.err
	}
}

// enqueue hands req to the writer unless the store is closed.
func (s *Store) enqueue(ctx context.Context, req *appendReq) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed.Load() {
		return s.errClosed("append to " + req.stream)
	}
	select {
	case s.reqs <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
