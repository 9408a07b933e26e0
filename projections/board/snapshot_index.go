package board

import "github.com/jointops/jointops/domain"

// index writes the index of every report the board folded: the hot part
// of a busy board's snapshot, one entry per report, about 19 bytes each.
func (e encoder) index(index map[domain.ReportID]reportRef) {
	e.Len(len(index))
	for id, ref := range index {
		e.UUID(id.UUID())
		e.Uvarint(uint64(ref.list))
		e.Varint(int64(ref.track))
	}
}

// index reads the index and checks that every point in a ring is indexed
// with its ring's list and its track.
func (d *decoder) index(b *Board) {
	n := d.Count(idSize + 2)
	b.index = make(map[domain.ReportID]reportRef, n)
	lists, tracks := uint64(len(b.aud.lists)), int64(len(b.trackList))
	for range n {
		id := d.reportID()
		l, t := d.Uvarint(), d.Varint()
		if d.Err() != nil {
			return
		}
		if l >= lists || t < int64(retractedReport) || t >= tracks {
			d.Failf("report %s: marking list %d of %d, track %d of %d", id, l, lists, t, tracks)
			return
		}
		b.index[id] = reportRef{list: listID(l), track: int32(t)}
	}
	d.unique("report in the index", len(b.index), n)
	for _, t := range b.trackList {
		for _, r := range t.rings {
			for i := range r.n {
				if ref, ok := b.index[r.buf[i].id]; !ok || ref != (reportRef{list: r.list, track: t.index}) {
					d.Failf("position %s is not indexed with its ring", r.buf[i].id)
					return
				}
			}
		}
	}
}

// corrections writes the links of the reports that correct or are
// corrected.
func (e encoder) corrections(corrections map[domain.ReportID]links) {
	e.Len(len(corrections))
	for id, l := range corrections {
		e.UUID(id.UUID())
		e.UUID(l.corrects.UUID())
		e.UUID(l.correctedBy.UUID())
	}
}

// corrections reads the links and checks them: each is of a report of the
// index, and a report corrected by another is what that other corrects (a
// correction is folded after what it corrects, so that is a report of the
// index too; what a correction corrects need not be: a correction of a
// report the board does not know is shown to its originator only).
func (d *decoder) corrections(b *Board) {
	n := d.Count(3 * idSize)
	b.corrections = make(map[domain.ReportID]links, n)
	for range n {
		id := d.reportID()
		l := links{corrects: d.reportID(), correctedBy: d.reportID()}
		if d.Err() != nil {
			return
		}
		if !b.known(id) || l == (links{}) {
			d.Failf("links of %s, which is no report or has none", id)
			return
		}
		b.corrections[id] = l
	}
	d.unique("report's links", len(b.corrections), n)
	for id, l := range b.corrections {
		if !l.correctedBy.IsZero() && b.corrections[l.correctedBy].corrects != id {
			d.Failf("report %s is corrected by %s, which does not correct it", id, l.correctedBy)
			return
		}
	}
}
