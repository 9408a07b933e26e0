package board

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
)

// audiences writes the interned marking lists and audience specs in the
// order they were interned: items, rings and points refer to them by
// index. The interning keys and the plain specs are rebuilt.
func (e encoder) audiences(a *audiences) {
	e.Len(len(a.lists))
	for _, l := range a.lists {
		e.Len(len(l))
		for _, m := range l {
			e.marking(m)
		}
	}
	e.Len(len(a.specs))
	for _, s := range a.specs {
		e.UUID(s.agency.UUID())
		e.listIDs(s.all)
		e.listIDs(s.not)
		e.Time(s.last)
	}
}

func (e encoder) listIDs(ids []listID) {
	e.Len(len(ids))
	for _, l := range ids {
		e.Uvarint(uint64(l))
	}
}

func (d *decoder) audiences(a *audiences) {
	n := d.Count(2)
	*a = audiences{lists: make([]markingList, 0, n), listKeys: make(map[string]listID, n)}
	for range n {
		l := make(markingList, d.Count(1))
		for i := range l {
			l[i] = d.marking()
		}
		if len(l) == 0 {
			d.Failf("an empty marking list")
		}
		a.listKeys[listKey(l)] = listID(len(a.lists))
		a.lists = append(a.lists, l)
	}
	d.unique("marking list", len(a.listKeys), len(a.lists))
	n = d.Count(idSize + 3)
	a.specs, a.specKeys = make([]spec, 0, n), make(map[string]specID, n)
	for range n {
		s := spec{agency: d.agencyID(), all: d.listIDs(a), not: d.listIDs(a), last: d.Time()}
		if d.Err() != nil {
			return
		}
		for _, l := range s.all {
			s.lists = append(s.lists, a.lists[l])
		}
		for _, l := range s.not {
			s.nots = append(s.nots, a.lists[l])
		}
		a.specKeys[specKey(s.agency, s.all, s.not)] = specID(len(a.specs))
		a.specs = append(a.specs, s)
	}
	d.unique("audience", len(a.specKeys), len(a.specs))
	if d.Err() != nil {
		return
	}
	if s := a.specs; len(s) == 0 || !s[everyone].agency.IsZero() || len(s[everyone].all) > 0 || len(s[everyone].not) > 0 {
		d.Failf("the first audience is not every participant")
		return
	}
	a.plain = make([]specID, len(a.lists))
	for l := range a.lists {
		s, ok := a.specKeys[specKey(domain.AgencyID{}, []listID{listID(l)}, nil)]
		if !ok {
			d.Failf("marking list %d has no audience", l)
			return
		}
		a.plain[l] = s
	}
}

// listIDs reads indexes into a's lists, read before.
func (d *decoder) listIDs(a *audiences) []listID {
	n := d.Count(1)
	if n == 0 {
		return nil
	}
	ids := make([]listID, n)
	for i := range ids {
		ids[i] = d.list(a)
	}
	return ids
}

// list reads an index into a's lists.
func (d *decoder) list(a *audiences) listID {
	l := d.Uvarint()
	if l >= uint64(len(a.lists)) {
		d.Failf("marking list %d of %d", l, len(a.lists))
		return 0
	}
	return listID(l)
}

// tracks writes each unit's track in the order they were created (the
// index refers to it by that number), with its rings in their order, each
// ring's points oldest first.
func (e encoder) tracks(tracks []*track) {
	e.Len(len(tracks))
	for _, t := range tracks {
		e.UUID(t.unit.UUID())
		e.marking(t.lastMarking)
		e.Int(int(t.lastList))
		e.Len(len(t.rings))
		for _, r := range t.rings {
			e.Uvarint(uint64(r.list))
			e.Len(r.n)
			for i := range r.n {
				e.trackPoint(r.at(i))
			}
		}
	}
}

func (e encoder) trackPoint(p *point) {
	e.UUID(p.id.UUID())
	e.Time(p.occurred)
	e.Time(p.recorded)
	e.point(p.at)
	e.Symbol(string(p.source))
	e.Bool(p.retracted)
}

func (d *decoder) tracks(b *Board) {
	n := d.Count(idSize + 3)
	b.trackList = make([]*track, 0, n)
	for i := range n {
		t := &track{unit: d.unitID(), index: int32(i), lastMarking: d.marking(), lastList: noList}
		// The last list is the list of the last marking alone: a position
		// report under that marking goes to it without interning.
		if l := d.Int(); l != int(noList) {
			if l < 0 || l >= len(b.aud.lists) || len(b.aud.lists[l]) != 1 || !b.aud.lists[l][0].Equal(t.lastMarking) {
				d.Failf("track %s: marking list %d is not of its last marking", t.unit, l)
			} else {
				t.lastList = listID(l)
			}
		}
		rings := d.Count(2)
		t.rings = make([]*ring, 0, rings)
		for range rings {
			t.rings = append(t.rings, d.ring(b, t))
		}
		b.tracks[t.unit] = t
		b.trackList = append(b.trackList, t)
	}
	d.unique("track", len(b.tracks), len(b.trackList))
	b.trackOrder = slices.SortedFunc(slices.Values(b.trackList), func(s, t *track) int { return s.unit.Compare(t.unit) })
}

func (d *decoder) ring(b *Board, t *track) *ring {
	r := &ring{list: d.list(&b.aud), size: b.cfg.TrackLength}
	if t.ring(r.list) != nil {
		d.Failf("track %s: two rings of marking list %d", t.unit, r.list)
	}
	r.n = d.Count(idSize + 8)
	if r.n > r.size {
		d.Failf("track %s: %d points in a ring of %d", t.unit, r.n, r.size)
		r.n = 0
	}
	r.buf = make([]point, r.n)
	for i := range r.buf {
		r.buf[i] = d.trackPoint()
		if i > 0 && r.buf[i].before(&r.buf[i-1]) {
			d.Failf("track %s: points out of order", t.unit)
		}
	}
	return r
}

func (d *decoder) trackPoint() point {
	return point{
		id: d.reportID(), occurred: d.Time(), recorded: d.Time(), at: d.point(), source: fieldlog.Source(d.Symbol()),
		retracted: d.Bool(),
	}
}
