package board

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
)

// Tracks keep, per unit and per marking list, the latest TrackLength
// positions (by field time): a ring per list, the window of that list in
// the unit's track (see window.go). Memory is bounded by units × lists ×
// TrackLength, however many positions are folded; the index (index.go)
// knows every position report, for corrections, retractions and
// relaxations.

// point is a position report as kept in a ring; what it corrects or is
// corrected by is in the board's corrections.
type point struct {
	id                 domain.ReportID
	occurred, recorded time.Time
	at                 geo.Point
	source             fieldlog.Source
	retracted          bool
}

// before orders points by field time, then report ID.
func (p *point) before(q *point) bool {
	if c := p.occurred.Compare(q.occurred); c != 0 {
		return c < 0
	}
	return p.id.Compare(q.id) < 0
}

// ring holds the latest positions of one marking list in order: at most
// size, in a circular buffer that grows up to size as points arrive.
// While it is not full, start is 0.
type ring struct {
	list     listID
	size     int
	buf      []point
	start, n int
}

func newRing(l listID, size int) *ring { return &ring{list: l, size: size} }

func (r *ring) at(i int) *point { return &r.buf[(r.start+i)%len(r.buf)] }

// insert adds p in order, dropping the oldest point beyond the ring's
// size; it reports whether p itself was kept.
func (r *ring) insert(p point) bool {
	if r.n > 0 && p.before(r.at(r.n-1)) {
		return r.insertLate(p)
	}
	if r.n < r.size {
		if r.n == len(r.buf) {
			r.grow(r.n + 1)
		}
		r.buf[r.n] = p
		r.n++
		return true
	}
	r.buf[r.start] = p
	r.start = (r.start + 1) % r.size
	return true
}

// grow makes room for at least n points (n ≤ size), keeping the points
// of a ring that is not full.
func (r *ring) grow(n int) {
	buf := make([]point, min(r.size, max(n, 4, 2*len(r.buf))))
	copy(buf, r.buf[:r.n])
	r.buf = buf
}

// insertLate inserts a point older than the newest: a late report.
func (r *ring) insertLate(p point) bool {
	pts := r.points()
	i := 0
	for i < len(pts) && pts[i].before(&p) {
		i++
	}
	pts = slices.Insert(pts, i, p)
	kept := true
	if len(pts) > r.size {
		kept = i > 0
		pts = pts[1:]
	}
	r.reset(pts)
	return kept
}

// points returns a copy of the points in order.
func (r *ring) points() []point {
	out := make([]point, r.n)
	for i := range out {
		out[i] = *r.at(i)
	}
	return out
}

func (r *ring) reset(pts []point) {
	if len(pts) > len(r.buf) {
		r.grow(len(pts))
	}
	r.start, r.n = 0, copy(r.buf, pts)
}

func (r *ring) find(id domain.ReportID) *point {
	for i := range r.n {
		if p := r.at(i); p.id == id {
			return p
		}
	}
	return nil
}

// take removes a point and returns it.
func (r *ring) take(id domain.ReportID) (point, bool) {
	pts := r.points()
	i := slices.IndexFunc(pts, func(p point) bool { return p.id == id })
	if i < 0 {
		return point{}, false
	}
	p := pts[i]
	r.reset(slices.Delete(pts, i, i+1))
	return p, true
}

// track is one unit's rings.
type track struct {
	unit  domain.UnitID
	index int32
	rings []*ring
	// The marking and list of the unit's last plain position report: most
	// reports of a unit share one, so most reports skip interning.
	lastMarking marking.Marking
	lastList    listID
}

func (t *track) ring(l listID) *ring {
	for _, r := range t.rings {
		if r.list == l {
			return r
		}
	}
	return nil
}

func (t *track) ringFor(l listID, size int) *ring {
	if r := t.ring(l); r != nil {
		return r
	}
	r := newRing(l, size)
	t.rings = append(t.rings, r)
	return r
}

func (b *Board) track(unit domain.UnitID) *track {
	if t := b.tracks[unit]; t != nil {
		return t
	}
	t := &track{unit: unit, index: int32(len(b.trackList)), lastList: noList}
	b.tracks[unit] = t
	b.trackList = append(b.trackList, t)
	i, _ := slices.BinarySearchFunc(b.trackOrder, unit, func(t *track, u domain.UnitID) int { return t.unit.Compare(u) })
	b.trackOrder = slices.Insert(b.trackOrder, i, t)
	return t
}

// positionReported is the hot path: most events of a busy operation are
// position reports.
func (b *Board) positionReported(ev domain.Event, e *fieldlog.PositionReported) {
	if b.known(e.ReportID) {
		return
	}
	t := b.track(e.UnitID)
	var l listID
	switch {
	case !e.Corrects.IsZero():
		l = b.ownList(e.Marking, e.Corrects)
	case t.lastList != noList && t.lastMarking.Equal(e.Marking):
		l = t.lastList
	default:
		l = b.aud.list(markingList{e.Marking})
		t.lastMarking, t.lastList = e.Marking, l
	}
	b.indexReport(e.ReportID, reportRef{list: l, track: t.index}, e.Corrects)
	p := point{id: e.ReportID, occurred: ev.OccurredAt, recorded: ev.RecordedAt, at: e.Point, source: e.Source}
	// A point older than its ring's latest is in nobody's window: it is
	// not shown, but a correction still marks what it corrects.
	if b.ringFor(t, l).insert(p) {
		if s := b.aud.plain[l]; b.recording {
			b.put(s, CollTrack, e.ReportID.String(), b.renderPoint(t, &p, l, false))
		} else {
			b.aud.specs[s].last = b.clock // what emit does, without building the change
		}
	}
	if b.link(e.Corrects, e.ReportID) {
		b.putCorrected(e.Corrects, l)
	}
}

func (b *Board) ringFor(t *track, l listID) *ring { return t.ringFor(l, b.cfg.TrackLength) }

// retainedPoint returns a position report still in its ring, or nil.
func (b *Board) retainedPoint(id domain.ReportID) (*track, *point, listID) {
	ref, ok := b.index[id]
	if !ok || !ref.isPosition() {
		return nil, nil, noList
	}
	t := b.trackList[ref.track]
	if r := t.ring(ref.list); r != nil {
		if p := r.find(id); p != nil {
			return t, p, ref.list
		}
	}
	return t, nil, ref.list
}

// renderPoint renders a retained point of list l in track t.
func (b *Board) renderPoint(t *track, p *point, l listID, withCorrector bool) TrackPoint {
	links := b.corrections[p.id]
	v := TrackPoint{
		Report: p.id, Unit: t.unit, OccurredAt: p.occurred, RecordedAt: p.recorded, Point: p.at, Source: p.source,
		Marking: b.aud.lists[l][0], Corrects: links.corrects, Retracted: p.retracted,
	}
	if withCorrector {
		v.CorrectedBy = links.correctedBy
	}
	return v
}
