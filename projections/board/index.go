package board

import "github.com/jointops/jointops/domain"

// The index knows every report the board folded — position reports and
// the others, corrections included, whether a window still shows them or
// not: its marking list in force and, for a position report, its unit's
// track. That is what corrections, retractions, relaxations, flags and
// MayViewReport need of a report however old, while its body is kept
// only as long as a window may show it. Neither the key nor the value
// holds a pointer, so the collector never scans the index: it costs 30
// to 50 bytes of heap per report (16 of ID, 8 of value, the map's control
// bytes and slack), and about 19 bytes of snapshot.

// reportRef is what the index remembers of a report.
type reportRef struct {
	list listID
	// track is, for a position report, its unit's track (an index into
	// Board.trackList); for another report, otherReport or, once it was
	// retracted, retractedReport.
	track int32
}

// Kinds of reports other than positions, in reportRef.track.
const (
	otherReport     int32 = -1
	retractedReport int32 = -2
)

// isPosition reports whether the report is a position report.
func (r reportRef) isPosition() bool { return r.track >= 0 }

// links are the correction references of a report that corrects another
// or is corrected: corrections are rare, so only those reports have an
// entry, kept for as long as the index.
type links struct {
	corrects, correctedBy domain.ReportID
}

// known reports whether id is already a report of the board.
func (b *Board) known(id domain.ReportID) bool {
	_, ok := b.index[id]
	return ok
}

// listOf returns the marking list in force of a report, noList if the
// board does not know it.
func (b *Board) listOf(id domain.ReportID) listID {
	if ref, ok := b.index[id]; ok {
		return ref.list
	}
	return noList
}

// correctorOf returns the report correcting id, if any.
func (b *Board) correctorOf(id domain.ReportID) domain.ReportID { return b.corrections[id].correctedBy }

// correctedOf returns the report id corrects, if any.
func (b *Board) correctedOf(id domain.ReportID) domain.ReportID { return b.corrections[id].corrects }

// indexReport adds a new report to the index, with what it corrects.
func (b *Board) indexReport(id domain.ReportID, ref reportRef, corrects domain.ReportID) {
	b.index[id] = ref
	if !corrects.IsZero() {
		b.corrections[id] = links{corrects: corrects}
	}
}

// link records that child corrects parent and reports whether it did: the
// board knows parent and nothing corrected it before. The first correction
// stays parent's corrected_by: a later one, which some agency that saw the
// first may not see, must not take it away from that agency (its delta
// would reveal the later correction, and its view would disagree with the
// deltas it was sent).
func (b *Board) link(parent, child domain.ReportID) bool {
	if parent.IsZero() || !b.known(parent) {
		return false
	}
	l := b.corrections[parent]
	if !l.correctedBy.IsZero() {
		return false
	}
	l.correctedBy = child
	b.corrections[parent] = l
	return true
}
