package board

import (
	"encoding/binary"
	"slices"

	"github.com/jointops/jointops/domain"
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

// SnapshotBody returns a copy of the body of a snapshot: what
// SealSnapshot seals. (A slice of data would let an append overwrite its
// checksum.)
func SnapshotBody(data []byte) []byte {
	_, n := binary.Uvarint(data)
	return slices.Clone(data[n+1 : len(data)-4])
}

// Retains reports whether the board keeps report id's body or point: a
// window holds it.
func (b *Board) Retains(id domain.ReportID) bool {
	_, p, _ := b.retainedPoint(id)
	return b.reports[id] != nil || p != nil
}

// Retained counts what the board keeps of its windows: report bodies,
// significant-events entries and track points.
func (b *Board) Retained() (reports, entries, points int) {
	for _, w := range b.reportWindows {
		reports += len(w)
	}
	for _, w := range b.entries {
		entries += len(w)
	}
	for _, t := range b.trackList {
		for _, r := range t.rings {
			points += r.n
		}
	}
	return reports, entries, points
}
