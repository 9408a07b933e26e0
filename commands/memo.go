package commands

import (
	"container/list"
	"context"
	"fmt"
	"sync"
)

// memo keeps the outcomes of recent commands in memory in front of the
// Outcomes port, and knows which commands run right now, so that a retry
// racing its original waits for it instead of running it a second time.
type memo struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of memoEntry, most recent first
	items   map[CommandID]*list.Element
	running map[CommandID]chan struct{}
}

type memoEntry struct {
	id CommandID
	o  Outcome
}

func newMemo(max int) *memo {
	return &memo{max: max, order: list.New(), items: make(map[CommandID]*list.Element),
		running: make(map[CommandID]chan struct{})}
}

func (m *memo) get(id CommandID) (Outcome, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[id]
	if !ok {
		return Outcome{}, false
	}
	m.order.MoveToFront(el)
	return el.Value.(memoEntry).o, true
}

// put remembers the first outcome of id.
func (m *memo) put(id CommandID, o Outcome) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[id]; ok {
		return
	}
	m.items[id] = m.order.PushFront(memoEntry{id: id, o: o})
	for m.order.Len() > m.max {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.items, last.Value.(memoEntry).id)
	}
}

// begin makes the caller the one runner of id in this process, or returns
// a channel closed when the run already under way ends.
func (m *memo) begin(id CommandID) (started bool, wait <-chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ch, ok := m.running[id]; ok {
		return false, ch
	}
	m.running[id] = make(chan struct{})
	return true, nil
}

// end ends the run of id begun by the caller.
func (m *memo) end(id CommandID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	close(m.running[id])
	delete(m.running, id)
}

// claim answers a command from its recorded outcome (done), or makes the
// caller its one runner in this process, who must call h.memo.end(id) when
// the run is over. Outcomes are in the memo before a run ends, so the
// lookup made once the run is claimed sees every earlier run of the command
// in this process.
func (h *Handlers) claim(ctx context.Context, id CommandID, fp [32]byte) (acc Accepted, err error, done bool) {
	for {
		if o, ok := h.memo.get(id); ok {
			return answer(id, o, fp)
		}
		started, wait := h.memo.begin(id)
		if !started {
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return Accepted{}, fmt.Errorf("command %s: %w", id, context.Cause(ctx)), true
			}
		}
		o, ok, err := h.cfg.Outcomes.Get(ctx, id)
		if err != nil {
			h.memo.end(id)
			return Accepted{}, fmt.Errorf("look up command %s: %w", id, err), true
		}
		if !ok {
			return Accepted{}, nil, false
		}
		h.memo.put(id, o)
		h.memo.end(id)
		return answer(id, o, fp)
	}
}

// answer is the reply a recorded outcome gives to a command with
// fingerprint fp.
func answer(id CommandID, o Outcome, fp [32]byte) (Accepted, error, bool) {
	switch {
	case o.Fingerprint != fp:
		return Accepted{}, fmt.Errorf("command %s: %w", id, ErrCommandIDReused), true
	case o.Accepted != nil:
		return *o.Accepted, nil, true
	case o.Refusal != nil:
		return Accepted{}, o.Refusal.Err(), true
	}
	return Accepted{}, fmt.Errorf("command %s: recorded outcome is empty", id), true
}

// maxPendingRecords bounds the outcome records written in the background;
// past it, a command records its outcome before it returns.
const maxPendingRecords = 1024

// accept records an acceptance and returns it. The command does not wait
// for the record to be durable: the acceptance already is, as its events
// are in the log, and a retry whose record was lost to a crash is answered
// from the log (the event IDs derive from the command ID, and Find). The
// memo answers retries in the meantime. A failed record is logged, not
// returned, for the same reason. The record is made even when the caller
// has gone away meanwhile.
func (h *Handlers) accept(ctx context.Context, id CommandID, fp [32]byte, acc Accepted) Accepted {
	o := Outcome{Fingerprint: fp, Accepted: &acc}
	h.memo.put(id, o)
	ctx = context.WithoutCancel(ctx)
	record := func() {
		if err := h.cfg.Outcomes.Put(ctx, id, o); err != nil {
			h.cfg.Logger.Warn("record command outcome", "command_id", id.String(), "err", err)
		}
	}
	if !h.records.try(record) {
		record()
	}
	return acc
}

// refuse records a refusal so a retry gets the same one, and returns err
// (even when the caller has gone away meanwhile). Errors that are not
// refusals are returned unrecorded.
func (h *Handlers) refuse(ctx context.Context, id CommandID, fp [32]byte, err error) error {
	r, ok := refusalOf(err)
	if !ok {
		return err
	}
	o := Outcome{Fingerprint: fp, Refusal: &r}
	h.memo.put(id, o)
	if perr := h.cfg.Outcomes.Put(context.WithoutCancel(ctx), id, o); perr != nil {
		h.cfg.Logger.Warn("record command refusal", "command_id", id.String(), "err", perr)
	}
	return err
}
