package task

import (
	"fmt"

	"github.com/jointops/jointops/domain"
)

// Snapshot format of the Task aggregate. Bump snapshotFormat whenever
// snapshotState changes shape or meaning: a snapshot of another format is
// ignored and the stream folded from its start.
const (
	snapshotKind   = "task"
	snapshotFormat = 1
)

var _ domain.Snapshotter = (*Task)(nil)

// snapshotState is the whole state of a Task. Terms is absent until the
// task is issued.
type snapshotState struct {
	ID        domain.TaskID      `json:"id"`
	Status    Status             `json:"status,omitempty"`
	Operation domain.OperationID `json:"operation,omitzero"`
	Unit      domain.UnitID      `json:"unit,omitzero"`
	IssuedBy  domain.AgencyID    `json:"issued_by,omitzero"`
	Terms     *Terms             `json:"terms,omitempty"`
	Revision  int                `json:"revision,omitempty"`
}

// Snapshot implements domain.Snapshotter.
func (t *Task) Snapshot() ([]byte, error) {
	if err := t.root.CheckSnapshot(); err != nil {
		return nil, err
	}
	s := snapshotState{ID: t.id, Status: t.status, Operation: t.operation, Unit: t.unit, IssuedBy: t.issuedBy, Revision: t.revision}
	if t.status != StatusNone {
		s.Terms = &t.terms
	}
	return domain.EncodeSnapshot(snapshotKind, snapshotFormat, s)
}

// RestoreSnapshot implements domain.Snapshotter.
func (t *Task) RestoreSnapshot(version uint64, b []byte) error {
	var s snapshotState
	if err := domain.DecodeSnapshot(b, snapshotKind, snapshotFormat, &s); err != nil {
		return err
	}
	if s.ID != t.id {
		return fmt.Errorf("%w: a snapshot of task %s, not of %s", domain.ErrSnapshotUnusable, s.ID, t.id)
	}
	if err := t.root.Restored(version); err != nil {
		return err
	}
	t.status, t.operation, t.unit, t.issuedBy, t.revision = s.Status, s.Operation, s.Unit, s.IssuedBy, s.Revision
	if s.Terms != nil {
		t.terms = *s.Terms
	}
	return nil
}
