package bus

import (
	"context"

	"github.com/jointops/jointops/infra/eventstore"
)

// Offset is a consumer group's durable place in a topic: the position of
// the last event the group acknowledged there.
type Offset struct {
	// Position is the position of the last acknowledged event; meaningful
	// only when Version > 0.
	Position eventstore.Position
	// Version identifies the saved offset for optimistic concurrency. It is
	// 0 when the group has never saved an offset for the topic, and grows
	// with every save.
	Version uint64
	// Member identifies the subscription that saved the offset.
	Member string
}

// Found reports whether an offset was ever saved.
func (o Offset) Found() bool { return o.Version > 0 }

// OffsetStore keeps the durable offset of each consumer group in each topic.
// A group has one active member per topic; the store fences out a member
// whose view of the offset is stale, so that two members running at once —
// by mistake, on two nodes, or a zombie after a failover — cannot both keep
// going. Implementations must be safe for concurrent use.
type OffsetStore interface {
	// Load returns the group's offset in topic; a zero Offset (Version 0)
	// when none was saved.
	Load(ctx context.Context, group, topic string) (Offset, error)

	// Save stores next.Position as the group's offset in topic on behalf of
	// next.Member, provided the stored offset still has next.Version (0: no
	// offset stored yet). It returns the stored offset with its new version.
	// If another member saved since, it stores nothing and returns an error
	// that Is ErrFenced. A save by the same member that landed but whose
	// answer was lost is not a conflict: retrying it succeeds.
	Save(ctx context.Context, group, topic string, next Offset) (Offset, error)
}
