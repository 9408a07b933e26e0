package boards_test

import (
	"context"

	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections"
)

// projection is the runner's Projection as the design note declares it
// (docs: session 2 boards design, infra/projector), with this package's
// Checkpoint standing in for projector.Checkpoint until that package
// exists; then the check moves to `var _ projector.Projection`.
type projection interface {
	Name() string
	Apply(ctx context.Context, env projections.Envelope) error
	Checkpoint() (boards.Checkpoint, error)
	Restore(position string, parts map[string][]byte) error
	Reset()
}

var _ projection = (*boards.Boards)(nil)
