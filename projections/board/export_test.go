package board

import (
	"encoding/binary"

	"github.com/jointops/jointops/projections/internal/wire"
)

// SealSnapshot returns a snapshot of the current format and kind holding
// body, with a valid checksum: fuzz tests use it to reach the decoder
// behind the checksum.
func SealSnapshot(body []byte) []byte {
	w := wire.NewWriter(snapshotKind, snapshotVersion, len(body))
	w.Raw(body)
	return w.Finish()
}

// SnapshotBody returns the body of a snapshot: what SealSnapshot seals.
func SnapshotBody(data []byte) []byte {
	_, n := binary.Uvarint(data)
	return data[n+1 : len(data)-4]
}
