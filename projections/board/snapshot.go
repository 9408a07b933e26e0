package board

import (
	"encoding"
	"fmt"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/projections/internal/wire"
)

// A snapshot holds the board's whole state — its config, position, clock,
// the interned marking lists and audiences with their clocks, every item,
// the rings of every track, the index of every report with the links of
// corrections, the windows of retained reports and significant-events
// entries, and the compliance flags — in the order the board keeps them,
// so that a restored board shows every agency the same View and returns
// the same Deltas for every following event. The indexes that only speed
// lookups up (maps by ID, the interning keys, the tracks by unit) are
// rebuilt, and everything the board relies on is checked: an inconsistent
// snapshot is an error, never a board that could panic later. Report
// bodies travel as their JSON, as in the log.
const (
	snapshotKind wire.Kind = 'B'
	// snapshotVersion 2: compliance flags; 3: windows of reports and
	// entries, the index of every report.
	snapshotVersion uint64 = 3
)

var _ encoding.BinaryMarshaler = (*Board)(nil)

// MarshalBinary returns a snapshot of the board, config included, to be
// restored with Restore. It fails only if a report's body cannot be
// encoded as JSON (which a body decoded from the log always can).
func (b *Board) MarshalBinary() ([]byte, error) {
	e := encoder{wire.NewWriter(snapshotKind, snapshotVersion, b.snapshotSizeHint())}
	e.Int(b.cfg.TrackLength)
	e.Int(b.cfg.SignificantLength)
	e.Int(b.cfg.ReportLength)
	e.UUID(b.id.UUID())
	e.String(b.position)
	e.Uvarint(b.events)
	e.Time(b.clock)
	e.audiences(&b.aud)
	e.operation(b)
	e.tracks(b.trackList)
	e.index(b.index)
	e.corrections(b.corrections)
	if err := e.reports(b.reportWindows); err != nil {
		return nil, fmt.Errorf("board %s snapshot: %w", b.id, err)
	}
	e.entries(b.entries)
	e.flags(b.flagOrder)
	return e.Finish(), nil
}

// Restore returns the board a snapshot of MarshalBinary holds; the board
// keeps no reference to data. A snapshot in a format version this build
// does not read is an error wrapping projections.ErrSnapshotVersion
// (rebuild the board from the log); any other problem wraps
// projections.ErrSnapshotCorrupt.
func Restore(data []byte) (*Board, error) {
	r, err := wire.Open(data, snapshotKind, snapshotVersion)
	if err != nil {
		return nil, fmt.Errorf("restore board: %w", err)
	}
	b, err := newDecoder(r).board()
	if err != nil {
		return nil, fmt.Errorf("restore board: %w", err)
	}
	return b, nil
}

// CheckSnapshot checks a snapshot's format version and kind without
// reading the rest (Restore checks the checksum and everything else), with
// Restore's errors: a reader that keeps snapshots to restore later (the
// history index) learns at start that they are of a format this build no
// longer reads, and rebuilds them then rather than at every read.
func CheckSnapshot(data []byte) error {
	if err := wire.CheckHeader(data, snapshotKind, snapshotVersion); err != nil {
		return fmt.Errorf("board snapshot: %w", err)
	}
	return nil
}

func (d *decoder) board() (*Board, error) {
	cfg := Config{TrackLength: d.Int(), SignificantLength: d.Int(), ReportLength: d.Int()}
	if err := cfg.Validate(); err != nil && d.Err() == nil {
		d.Failf("%v", err)
	}
	b := &Board{
		cfg: cfg, id: d.operationID(), position: d.String(), events: d.Uvarint(), clock: d.Time(),
		reports: map[domain.ReportID]*report{}, tracks: map[domain.UnitID]*track{},
		entryByKey: map[string]*entry{},
		flags:      map[compliance.FlagID]*flag{}, flagsByReport: map[domain.ReportID][]*flag{},
	}
	if b.id.IsZero() {
		d.Failf("no operation id")
	}
	d.audiences(&b.aud)
	d.operation(b)
	d.tracks(b)
	d.index(b)
	d.corrections(b)
	d.reports(b)
	d.entries(b)
	d.flags(b)
	if err := d.Done(); err != nil {
		return nil, err
	}
	return b, nil
}

// snapshotSizeHint estimates the length of the board's snapshot, so that
// MarshalBinary allocates its buffer once.
func (b *Board) snapshotSizeHint() int {
	n := 4096 + 19*len(b.index) + 48*len(b.corrections) + 110*len(b.reports) + 150*len(b.entryByKey) +
		160*(len(b.orgUnits)+len(b.positions)+len(b.units)+len(b.tasks))
	for _, t := range b.trackList {
		for _, r := range t.rings {
			n += 80 * r.n
		}
	}
	return n
}
