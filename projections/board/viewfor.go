package board

import (
	"slices"

	"github.com/jointops/jointops/domain/marking"
)

// View returns the board as viewer may see it now (see the package
// documentation for the rules). A non-participant gets the empty view,
// with only the limits set, exactly as everyone's view of a board that
// has folded nothing. The view shares nothing mutable with the board.
func (b *Board) View(viewer marking.Viewer) View {
	v := View{Limits: b.cfg.limits()}
	if viewer.Agency.IsZero() || !slices.Contains(b.participants, viewer.Agency) {
		return v
	}
	vis := newVisibility(&b.aud, viewer, b.participants)
	for i := range b.aud.specs {
		if last := b.aud.specs[i].last; last.After(v.AsOf) && vis.spec(specID(i)) {
			v.AsOf = last
		}
	}
	b.viewOperation(&v)
	b.viewReports(&v, vis)
	b.viewTracks(&v, vis)
	b.viewSignificant(&v, vis)
	b.viewFlags(&v, vis)
	v.derive()
	return v
}

func (b *Board) viewOperation(v *View) {
	v.Operation, v.Status, v.Purpose, v.Lead = b.id, b.shownStatus, b.purpose, b.lead
	v.ArrangementVersion = b.arrangement
	v.HostStates, v.LegalBasis = slices.Clone(b.hostStates), slices.Clone(b.legalBasis)
	v.Area, v.Period = b.area, b.period
	for _, a := range sortedIDs(b.participants) {
		v.Participants = append(v.Participants, b.participantView(a))
	}
	for _, p := range b.opPeriods {
		v.OperationalPeriods = append(v.OperationalPeriods, cloneOpPeriod(p))
	}
	v.OrgUnits = make([]OrgUnit, 0, len(b.orgUnits))
	for _, u := range b.orgUnits {
		v.OrgUnits = append(v.OrgUnits, u)
	}
	slices.SortFunc(v.OrgUnits, func(a, b OrgUnit) int { return a.ID.Compare(b.ID) })
	v.Positions = make([]Position, 0, len(b.positions))
	for _, p := range b.positions {
		c := *p
		c.Tenures = slices.Clone(p.Tenures)
		v.Positions = append(v.Positions, c)
	}
	slices.SortFunc(v.Positions, func(a, b Position) int { return a.ID.Compare(b.ID) })
	v.Units = make([]Unit, 0, len(b.units))
	for _, u := range b.units {
		v.Units = append(v.Units, *u)
	}
	slices.SortFunc(v.Units, func(a, b Unit) int { return a.Unit.Compare(b.Unit) })
	v.Tasks = make([]Task, 0, len(b.tasks))
	for _, t := range b.tasks {
		if t.open() {
			v.Tasks = append(v.Tasks, t.clone())
		}
	}
	slices.SortFunc(v.Tasks, func(a, b Task) int { return a.Task.Compare(b.Task) })
}

// viewReports shows the latest ReportLength reports of the lists viewer
// may see.
func (b *Board) viewReports(v *View, vis *visibility) {
	var rs []listedReport
	for l, w := range b.reportWindows {
		if len(w) > 0 && vis.list(listID(l)) {
			for _, r := range w {
				rs = append(rs, listedReport{r, listID(l)})
			}
		}
	}
	slices.SortFunc(rs, compareBy(func(p, q listedReport) bool { return p.before(q.report) }))
	if n := b.cfg.ReportLength; len(rs) > n {
		rs = rs[len(rs)-n:]
	}
	v.Reports = make([]Report, len(rs))
	for i, r := range rs {
		v.Reports[i] = b.renderReport(r.report, r.list, vis.list(b.listOf(b.correctorOf(r.id))))
	}
}

// listedReport is a retained report with its list.
type listedReport struct {
	*report
	list listID
}

// listed is a point with the list of the ring it is in.
type listed struct {
	*point
	list listID
}

func (b *Board) viewTracks(v *View, vis *visibility) {
	var pts []listed
	for _, t := range b.trackOrder {
		pts = pts[:0]
		for _, r := range t.rings {
			if vis.list(r.list) {
				for i := range r.n {
					pts = append(pts, listed{r.at(i), r.list})
				}
			}
		}
		if len(pts) == 0 {
			continue
		}
		slices.SortFunc(pts, compareBy(func(p, q listed) bool { return p.before(q.point) }))
		if n := b.cfg.TrackLength; len(pts) > n {
			pts = pts[len(pts)-n:]
		}
		tr := Track{Unit: t.unit, Points: make([]TrackPoint, len(pts))}
		for i, p := range pts {
			tr.Points[i] = b.renderPoint(t, p.point, p.list, vis.list(b.listOf(b.correctorOf(p.id))))
		}
		v.Tracks = append(v.Tracks, tr)
	}
}

// viewSignificant shows the latest SignificantLength entries viewer may
// see: of every participant's window and of the lists it may see.
func (b *Board) viewSignificant(v *View, vis *visibility) {
	var es []*entry
	for w, entries := range b.entries {
		if w == 0 || len(entries) > 0 && vis.list(listID(w-1)) {
			es = append(es, entries...)
		}
	}
	slices.SortFunc(es, func(e, f *entry) int {
		if e.before(f) {
			return -1
		}
		return 1
	})
	if n := b.cfg.SignificantLength; len(es) > n {
		es = es[len(es)-n:]
	}
	for _, e := range es {
		v.Significant = append(v.Significant, e.Entry)
	}
}

// compareBy turns a strict order into the comparison slices.SortFunc takes.
func compareBy[T any](before func(a, b T) bool) func(a, b T) int {
	return func(a, b T) int {
		switch {
		case before(a, b):
			return -1
		case before(b, a):
			return 1
		}
		return 0
	}
}
