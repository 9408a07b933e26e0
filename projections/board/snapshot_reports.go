package board

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

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

// tracks writes each unit's track in the order they were created (a
// position's pointRef refers to it by that index), with its rings in
// their order, each ring's points oldest first.
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
	e.UUID(p.corrects.UUID())
	e.UUID(p.correctedBy.UUID())
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
	r.n = d.Count(2*idSize + 8)
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
		corrects: d.reportID(), correctedBy: d.reportID(), retracted: d.Bool(),
	}
}

// points writes the index of every position report: the hot part of a
// busy board's snapshot, one entry per position report folded.
func (e encoder) points(points map[domain.ReportID]pointRef) {
	e.Len(len(points))
	for id, ref := range points {
		e.UUID(id.UUID())
		e.Uvarint(uint64(ref.list))
		e.Uvarint(uint64(ref.track))
	}
}

// points reads the index of position reports and checks that every point
// in a ring is indexed with its ring's list and its track.
func (d *decoder) points(b *Board) {
	n := d.Count(idSize + 2)
	b.points = make(map[domain.ReportID]pointRef, n)
	lists, tracks := uint64(len(b.aud.lists)), uint64(len(b.trackList))
	for range n {
		id := d.reportID()
		l, t := d.Uvarint(), d.Uvarint()
		if l >= lists || t >= tracks {
			d.Failf("position %s: marking list %d of %d, track %d of %d", id, l, lists, t, tracks)
			return
		}
		b.points[id] = pointRef{list: listID(l), track: int32(t)}
	}
	d.unique("position report", len(b.points), n)
	for _, t := range b.trackList {
		for _, r := range t.rings {
			for i := range r.n {
				if ref, ok := b.points[r.buf[i].id]; !ok || ref != (pointRef{list: r.list, track: t.index}) {
					d.Failf("position %s is not indexed with its ring", r.buf[i].id)
					return
				}
			}
		}
	}
}

// links writes the corrections among position reports.
func (e encoder) links(links map[domain.ReportID]*links) {
	e.Len(len(links))
	for id, l := range links {
		e.UUID(id.UUID())
		e.UUID(l.corrects.UUID())
		e.UUID(l.correctedBy.UUID())
	}
}

func (d *decoder) links(b *Board) {
	n := d.Count(3 * idSize)
	b.pointLinks = make(map[domain.ReportID]*links, n)
	for range n {
		id := d.reportID()
		b.pointLinks[id] = &links{corrects: d.reportID(), correctedBy: d.reportID()}
		if _, ok := b.points[id]; !ok && d.Err() == nil {
			d.Failf("links of %s, which is no position report", id)
		}
	}
	d.unique("position link", len(b.pointLinks), n)
}

// reports writes the reports other than positions in their order, each
// body as its JSON.
func (e encoder) reports(reports []*report) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body) // as json.Marshal, with a newline, into one buffer
	e.Len(len(reports))
	for _, r := range reports {
		body.Reset()
		if err := enc.Encode(r.body); err != nil {
			return fmt.Errorf("report %s body: %w", r.id, err)
		}
		e.UUID(r.id.UUID())
		e.UUID(r.unit.UUID())
		e.Symbol(r.typ)
		e.Bytes(bytes.TrimSuffix(body.Bytes(), []byte("\n")))
		e.Time(r.occurred)
		e.Time(r.recorded)
		e.Varint(int64(r.lateBy))
		e.Uvarint(uint64(r.list))
		e.UUID(r.corrects.UUID())
		e.UUID(r.correctedBy.UUID())
		e.Bool(r.retraction != nil)
		if rt := r.retraction; rt != nil {
			e.UUID(rt.Report.UUID())
			e.String(rt.Reason)
			e.Time(rt.RecordedAt)
		}
	}
	return nil
}

func (d *decoder) reports(b *Board) {
	n := d.Count(4 * idSize)
	b.reportOrder = make([]*report, 0, n)
	for range n {
		r := &report{id: d.reportID(), unit: d.unitID(), typ: d.Symbol()}
		r.body = d.body(r.typ)
		r.occurred, r.recorded, r.lateBy = d.Time(), d.Time(), time.Duration(d.Varint())
		r.list = d.list(&b.aud)
		r.corrects, r.correctedBy = d.reportID(), d.reportID()
		if d.Bool() {
			r.retraction = &Retraction{Report: d.reportID(), Reason: d.String(), RecordedAt: d.Time()}
		}
		if d.Err() != nil {
			return
		}
		if _, ok := b.points[r.id]; ok {
			d.Failf("report %s is also a position report", r.id)
		}
		if k := len(b.reportOrder); k > 0 && !b.reportOrder[k-1].before(r) {
			d.Failf("report %s out of order", r.id)
		}
		b.reports[r.id] = r
		b.reportOrder = append(b.reportOrder, r)
	}
	d.unique("report", len(b.reports), len(b.reportOrder))
}

// body decodes a report's body: the JSON of its payload without the
// header, read into a payload of its type.
func (d *decoder) body(typ string) any {
	raw := d.Bytes()
	if d.Err() != nil {
		return nil
	}
	newPayload := d.payloads[typ]
	if newPayload == nil {
		d.Failf("report type %q unknown", typ)
		return nil
	}
	p, ok := newPayload().(fieldlog.Report)
	if !ok {
		d.Failf("%q is not a report", typ)
		return nil
	}
	if err := json.Unmarshal(raw, p); err != nil {
		d.Failf("report body: %v", err)
		return nil
	}
	return body(p)
}

// corrections checks the links between reports: a correction is folded
// after what it corrects, so whatever a report is corrected by is a report
// of the board (what it corrects need not be: a correction of a report the
// board does not know is shown to its originator only); and a point in a
// ring carries the links of the index.
func (d *decoder) corrections(b *Board) {
	if d.Err() != nil {
		return
	}
	for _, r := range b.reportOrder {
		if !r.correctedBy.IsZero() && !b.known(r.correctedBy) {
			d.Failf("report %s is corrected by %s, which is no report", r.id, r.correctedBy)
			return
		}
	}
	for id, l := range b.pointLinks {
		if !l.correctedBy.IsZero() && !b.known(l.correctedBy) {
			d.Failf("position %s is corrected by %s, which is no report", id, l.correctedBy)
			return
		}
	}
	for _, t := range b.trackList {
		for _, r := range t.rings {
			for i := range r.n {
				p, l := &r.buf[i], b.pointLinks[r.buf[i].id]
				if l == nil {
					l = &links{}
				}
				if p.corrects != l.corrects || p.correctedBy != l.correctedBy {
					d.Failf("position %s: its links differ from the index", p.id)
					return
				}
			}
		}
	}
}

// entries writes the significant-events log in its order.
func (e encoder) entries(entries []*entry) {
	e.Len(len(entries))
	for _, en := range entries {
		e.String(en.Key)
		e.Symbol(en.Type)
		e.Time(en.OccurredAt)
		e.Time(en.RecordedAt)
		e.String(en.Summary)
		e.UUID(en.Report.UUID())
		e.UUID(en.Unit.UUID())
		e.UUID(en.Task.UUID())
		e.UUID(en.subject.UUID())
	}
}

// entries reads the log and checks that each entry's subject is a report
// of the board, whose audience it shares.
func (d *decoder) entries(b *Board) {
	n := d.Count(4*idSize + 5)
	b.entries = make([]*entry, 0, n)
	for range n {
		en := &entry{
			Entry: Entry{
				Key: d.String(), Type: d.Symbol(), OccurredAt: d.Time(), RecordedAt: d.Time(), Summary: d.String(),
				Report: d.reportID(), Unit: d.unitID(), Task: d.taskID(),
			},
			subject: d.reportID(),
		}
		if d.Err() != nil {
			return
		}
		if !en.subject.IsZero() && b.listOf(en.subject) == noList {
			d.Failf("entry %q is about %s, which is no report", en.Key, en.subject)
		}
		if k := len(b.entries); k > 0 && !b.entries[k-1].before(en) {
			d.Failf("entry %q out of order", en.Key)
		}
		b.entryByKey[en.Key] = en
		b.entries = append(b.entries, en)
	}
	d.unique("entry", len(b.entryByKey), len(b.entries))
}
