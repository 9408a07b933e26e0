package projector

import (
	"context"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// Projection is a read model kept current from the log by the Runner.
type Projection interface {
	// Name is stable: it names the consumer group and the checkpoint.
	// Renaming a projection is a migration: the new name rebuilds from zero.
	Name() string
	// Apply folds one event. The runner calls it in log order, one at a time,
	// and never with an event at or before the position already folded
	// (it skips those itself: delivery is at least once). An error leaves
	// the projection as it was; the runner retries the event and, if it
	// keeps failing, poisons it (records it and moves on without it).
	Apply(ctx context.Context, env projections.Envelope) error
	// Checkpoint returns what changed since the last checkpoint, for the
	// runner to save with the position in one transaction. Called
	// concurrently with Apply (the projection locks). Once it returned the
	// parts, the projection may forget they were dirty: the runner keeps
	// them until they are saved.
	Checkpoint() (Checkpoint, error)
	// Restore loads a saved checkpoint (all parts) before the first Apply.
	// It is not called when nothing was saved. An error that Is
	// projections.ErrSnapshotVersion or projections.ErrSnapshotCorrupt
	// makes the runner Reset the projection and rebuild it from zero; any
	// other error stops the projection.
	Restore(position string, parts map[string][]byte) error
	// Reset empties the projection (rebuild from zero).
	Reset()
}

// Folder is implemented by a projection that folds an event more cheaply
// when it need not tell anyone what changed, as a live feed's deltas do.
// The runner's catch-up — reading the store directly while far behind,
// and every rebuild — calls Fold instead of Apply; the live subscription
// always calls Apply. Fold has Apply's contract in every other respect:
// log order, one at a time, never an event already folded, and an error
// leaves the projection as it was. The state it leaves is the one Apply
// would; what it may skip is only what serves readers watching the
// events go by.
type Folder interface {
	Fold(ctx context.Context, env projections.Envelope) error
}

// Checkpoint is what a projection changed since its previous checkpoint.
type Checkpoint struct {
	// Position is the position of the last event folded ("" = none).
	Position string
	// Parts are the changed parts by name; a nil value deletes the part.
	Parts map[string][]byte
}

// Decoder turns a stored event into a domain event; *eventlog.Codec is
// one. known is false for a type this build does not know, which the
// runner skips.
type Decoder interface {
	Decode(r eventstore.RecordedEvent) (e domain.Event, known bool, err error)
}
