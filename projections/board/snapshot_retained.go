package board

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jointops/jointops/domain/fieldlog"
)

// reports writes the windows of retained reports that hold any, by
// marking list: each report in order, its body as its JSON.
func (e encoder) reports(windows [][]*report) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body) // as json.Marshal, with a newline, into one buffer
	e.Len(nonEmpty(windows))
	for l, w := range windows {
		if len(w) == 0 {
			continue
		}
		e.Uvarint(uint64(l))
		e.Len(len(w))
		for _, r := range w {
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
			e.Bool(r.retraction != nil)
			if rt := r.retraction; rt != nil {
				e.UUID(rt.Report.UUID())
				e.String(rt.Reason)
				e.Time(rt.RecordedAt)
			}
		}
	}
	return nil
}

// nonEmpty counts the windows that hold an item.
func nonEmpty[T any](windows [][]T) int {
	n := 0
	for _, w := range windows {
		if len(w) > 0 {
			n++
		}
	}
	return n
}

// reports reads the windows of reports back and checks each: its lists
// ascending, at most ReportLength reports in order, each indexed as a
// report of the window's list, retracted in the index if and only if it
// is.
func (d *decoder) reports(b *Board) {
	n := d.Count(2)
	last, total := -1, 0
	for range n {
		l := int(d.list(&b.aud))
		k := d.Count(2*idSize + 5)
		if d.Err() != nil {
			return
		}
		if l <= last || k == 0 || k > b.cfg.ReportLength {
			d.Failf("window of marking list %d with %d reports", l, k)
			return
		}
		last, total = l, total+k
		w := make([]*report, 0, k)
		for range k {
			r := d.report()
			if d.Err() != nil {
				return
			}
			ref, ok := b.index[r.id]
			if !ok || int(ref.list) != l || ref.isPosition() || (ref.track == retractedReport) != (r.retraction != nil) {
				d.Failf("report %s is not indexed with its window", r.id)
				return
			}
			if len(w) > 0 && !w[len(w)-1].before(r) {
				d.Failf("report %s out of order", r.id)
				return
			}
			b.reports[r.id] = r
			w = append(w, r)
		}
		b.reportWindows = grown(b.reportWindows, l+1)
		b.reportWindows[l] = w
	}
	d.unique("report", len(b.reports), total)
}

func (d *decoder) report() *report {
	r := &report{id: d.reportID(), unit: d.unitID(), typ: d.Symbol()}
	r.body = d.body(r.typ)
	r.occurred, r.recorded, r.lateBy = d.Time(), d.Time(), time.Duration(d.Varint())
	if d.Bool() {
		r.retraction = &Retraction{Report: d.reportID(), Reason: d.String(), RecordedAt: d.Time()}
	}
	return r
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

// entries writes the windows of the significant-events log: every
// participant's, then those of the marking lists that hold an entry.
func (e encoder) entries(windows [][]*entry) {
	var everyone []*entry
	if len(windows) > 0 {
		everyone = windows[0]
	}
	e.entryWindow(everyone)
	var lists [][]*entry
	if len(windows) > 1 {
		lists = windows[1:]
	}
	e.Len(nonEmpty(lists))
	for l, w := range lists {
		if len(w) > 0 {
			e.Uvarint(uint64(l))
			e.entryWindow(w)
		}
	}
}

func (e encoder) entryWindow(w []*entry) {
	e.Len(len(w))
	for _, en := range w {
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

// entries reads the windows of the log back and checks them: lists
// ascending, at most SignificantLength entries in order each, keys
// unique; every participant's entries are about no report, a list's about
// a report other than a position indexed with that list.
func (d *decoder) entries(b *Board) {
	total := d.entryWindow(b, 0)
	n := d.Count(2)
	last := -1
	for range n {
		l := int(d.list(&b.aud))
		if d.Err() != nil {
			return
		}
		if l <= last {
			d.Failf("window of marking list %d out of order", l)
			return
		}
		last = l
		k := d.entryWindow(b, l+1)
		if k == 0 && d.Err() == nil {
			d.Failf("empty window of marking list %d", l)
		}
		total += k
	}
	d.unique("entry", len(b.entryByKey), total)
}

// entryWindow reads window w of the log and returns how many entries it
// read.
func (d *decoder) entryWindow(b *Board, w int) int {
	n := d.Count(4*idSize + 5)
	if n > b.cfg.SignificantLength && d.Err() == nil {
		d.Failf("%d entries in a window of %d", n, b.cfg.SignificantLength)
	}
	if d.Err() != nil {
		return 0
	}
	b.entries = grown(b.entries, w+1)
	out := make([]*entry, 0, n)
	for range n {
		en := &entry{
			Entry: Entry{
				Key: d.String(), Type: d.Symbol(), OccurredAt: d.Time(), RecordedAt: d.Time(), Summary: d.String(),
				Report: d.reportID(), Unit: d.unitID(), Task: d.taskID(),
			},
			subject: d.reportID(),
		}
		if d.Err() != nil {
			return 0
		}
		if ref, ok := b.index[en.subject]; w == 0 && !en.subject.IsZero() ||
			w > 0 && (!ok || int(ref.list) != w-1 || ref.isPosition()) {
			d.Failf("entry %q is not about a report of its window", en.Key)
			return 0
		}
		if k := len(out); k > 0 && !out[k-1].before(en) {
			d.Failf("entry %q out of order", en.Key)
			return 0
		}
		b.entryByKey[en.Key] = en
		out = append(out, en)
	}
	b.entries[w] = out
	return n
}
