package projections

import (
	"encoding"
	"fmt"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/projections/internal/wire"
)

var (
	_ encoding.BinaryMarshaler   = (*Router)(nil)
	_ encoding.BinaryUnmarshaler = (*Router)(nil)
)

// MarshalBinary returns a snapshot of what the Router learned (each task's
// operation), so that one restored with UnmarshalBinary routes exactly as
// r.
func (r *Router) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(routerKind, routerVersion, len(r.tasks)*32)
	w.Len(len(r.tasks))
	for task, op := range r.tasks {
		w.UUID(task.UUID())
		w.UUID(op.UUID())
	}
	return w.Finish(), nil
}

// UnmarshalBinary replaces r's state with a snapshot's. An error wraps
// ErrSnapshotVersion or ErrSnapshotCorrupt and leaves r unchanged.
func (r *Router) UnmarshalBinary(data []byte) error {
	rd, err := wire.Open(data, routerKind, routerVersion)
	if err != nil {
		return fmt.Errorf("restore router: %w", err)
	}
	n := rd.Count(32)
	tasks := make(map[domain.TaskID]domain.OperationID, n)
	for range n {
		task := wire.ID(rd, domain.NewTaskID)
		tasks[task] = wire.ID(rd, domain.NewOperationID)
	}
	if len(tasks) != n && rd.Err() == nil {
		rd.Failf("a task twice")
	}
	if err := rd.Done(); err != nil {
		return fmt.Errorf("restore router: %w", err)
	}
	r.tasks = tasks
	return nil
}
