package commands

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
)

// Field reports arrive by the hundred per second per operation, each
// authorized against its operation (does the unit's agency take part?).
// Reading the operation's stream for each, under the operation's lock,
// would make every report of an operation queue behind one lock. Instead,
// whenever the handlers know an operation's current state — they have just
// read its stream to the end, or appended to it — they publish who takes
// part in it, and a report is let through on that for AccessMaxAge. A
// refusal, and anything older, is decided on the stream's end.

// access is who takes part in one operation at a version the stream was
// known to end at, when. It is immutable once published.
type access struct {
	exists       bool
	participants []domain.AgencyID
	checked      time.Time // monotonic
}

// accessCache holds the latest access of recently used operations, bounded.
type accessCache struct {
	mu    sync.Mutex
	max   int
	items map[domain.OperationID]*access
}

func newAccessCache(max int) *accessCache {
	return &accessCache{max: max, items: make(map[domain.OperationID]*access)}
}

// allows reports whether agency takes part in op according to facts no
// older than maxAge.
func (c *accessCache) allows(op domain.OperationID, agency domain.AgencyID, maxAge time.Duration) bool {
	c.mu.Lock()
	a := c.items[op]
	c.mu.Unlock()
	return a != nil && a.exists && time.Since(a.checked) <= maxAge && slices.Contains(a.participants, agency)
}

func (c *accessCache) publish(op domain.OperationID, a *access) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[op]; !ok && len(c.items) >= c.max {
		for old := range c.items { // any one: this only bounds memory
			delete(c.items, old)
			break
		}
	}
	c.items[op] = a
}

// current is called with an aggregate known to be its stream's current
// state; an operation's access is published.
func (h *Handlers) current(a domain.Aggregate) {
	if o, ok := a.(*operation.Operation); ok {
		h.access.publish(o.ID(), &access{exists: o.Version() > 0, participants: o.Participants(), checked: time.Now()})
	}
}

// authorizeUnit checks that p is the field unit itself, and that its
// agency takes part in the operation. Whether the unit is attached, and
// whether the operation is active, are compliance questions: facts from the
// field are always recorded and flagged, never refused for that.
func (h *Handlers) authorizeUnit(ctx context.Context, p Principal, op domain.OperationID, unit domain.UnitID) error {
	if err := p.requireRole(RoleFieldUnit); err != nil {
		return err
	}
	if u, _ := p.Unit(); u != unit {
		return domain.Forbid(CodeNotThisUnit, "a field unit reports only as itself")
	}
	if h.access.allows(op, p.Agency, h.cfg.AccessMaxAge) {
		return nil
	}
	stream := operation.Stream(op)
	unlock := h.lock(stream)
	defer unlock()
	// Reports that queued here behind one reading the stream find it read.
	if h.access.allows(op, p.Agency, h.cfg.AccessMaxAge) {
		return nil
	}
	o, _, err := load(ctx, h, stream, func() *operation.Operation { return operation.New(op) }, false)
	switch {
	case err != nil:
		return err
	case o.Version() == 0:
		return domain.Missing(operation.CodeNotFound, "operation %s does not exist", op)
	case !o.Participates(p.Agency):
		return domain.Forbid(CodeNotParticipant, "agency %s does not take part in operation %s", p.Agency, op)
	}
	return nil
}
