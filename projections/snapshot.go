package projections

import "github.com/jointops/jointops/projections/internal/wire"

// Errors of restoring a snapshot (board.Restore, UnmarshalBinary of
// AgencyOperations and Router). Every such error wraps one of them.
var (
	// ErrSnapshotVersion is a snapshot in a format version this build does
	// not read. It is not a failure: rebuild the read model from the log.
	ErrSnapshotVersion = wire.ErrVersion
	// ErrSnapshotCorrupt is a snapshot that cannot be restored: truncated,
	// damaged (its checksum fails), of another read model, or
	// inconsistent. Rebuild from the log, and look into why.
	ErrSnapshotCorrupt = wire.ErrCorrupt
)

// Kinds and format versions of the snapshots of this package. A change of
// what a snapshot holds is a new version; the old one is then refused with
// ErrSnapshotVersion and the read model rebuilt.
const (
	agencyOpsKind    wire.Kind = 'A'
	agencyOpsVersion uint64    = 1
	routerKind       wire.Kind = 'R'
	routerVersion    uint64    = 1
)
