package audit

import (
	"fmt"

	"github.com/jointops/jointops/domain"
)

// Snapshot format of the trail. Bump snapshotFormat whenever snapshotState
// changes shape or meaning.
const (
	snapshotKind   = "audit"
	snapshotFormat = 1
)

var _ domain.Snapshotter = (*Trail)(nil)

// snapshotState is the whole state of a trail: which operation it is of.
// A snapshot spares a cold load folding every access ever recorded.
type snapshotState struct {
	Operation domain.OperationID `json:"operation"`
}

// Snapshot implements domain.Snapshotter.
func (t *Trail) Snapshot() ([]byte, error) {
	if err := t.root.CheckSnapshot(); err != nil {
		return nil, err
	}
	return domain.EncodeSnapshot(snapshotKind, snapshotFormat, snapshotState{Operation: t.operation})
}

// RestoreSnapshot implements domain.Snapshotter.
func (t *Trail) RestoreSnapshot(version uint64, b []byte) error {
	var s snapshotState
	if err := domain.DecodeSnapshot(b, snapshotKind, snapshotFormat, &s); err != nil {
		return err
	}
	if s.Operation != t.operation {
		return fmt.Errorf("%w: a snapshot of the audit trail of operation %s, not of %s",
			domain.ErrSnapshotUnusable, s.Operation, t.operation)
	}
	return t.root.Restored(version)
}
