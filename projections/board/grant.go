package board

import (
	"maps"
	"slices"
	"strconv"

	"github.com/jointops/jointops/domain"
)

// grant shows a newly participating agency everything it may now see: the
// operation's fields, then every item. Only that agency is in the
// audience of these changes.
func (b *Board) grant(agency domain.AgencyID) {
	s := b.only(agency)
	b.header(s)
	b.set(s, FieldStatus, b.shownStatus)
	for _, a := range sortedIDs(b.participants) {
		b.putParticipant(s, a)
	}
	b.grantItems(agency)
}

// grantItems shows agency every item it may see: the plan, the command
// structure, resources, open tasks, reports, tracks and the
// significant-events log. It puts every retained item of the windows, in
// no particular order: the agency's view keeps the latest of each as its
// trim does for any other put.
func (b *Board) grantItems(agency domain.AgencyID) {
	s := b.only(agency)
	for _, p := range b.opPeriods {
		b.put(s, CollOperationalPeriods, strconv.Itoa(p.Number), cloneOpPeriod(p))
	}
	for _, id := range slices.SortedFunc(maps.Keys(b.orgUnits), domain.OrgUnitID.Compare) {
		b.put(s, CollOrgUnits, id.String(), b.orgUnits[id])
	}
	for _, id := range slices.SortedFunc(maps.Keys(b.positions), domain.PositionID.Compare) {
		b.putPosition(s, b.positions[id])
	}
	for _, id := range slices.SortedFunc(maps.Keys(b.units), domain.UnitID.Compare) {
		b.put(s, CollUnits, id.String(), *b.units[id])
	}
	for _, id := range slices.SortedFunc(maps.Keys(b.tasks), domain.TaskID.Compare) {
		if t := b.tasks[id]; t.open() {
			b.put(s, CollTasks, id.String(), t.clone())
		}
	}
	for _, w := range b.reportWindows {
		for _, r := range w {
			b.reput(r.id, agency)
		}
	}
	for _, t := range b.trackOrder {
		for _, r := range t.rings {
			for i := range r.n {
				p := r.at(i)
				b.putVariants(agency, r.list, b.listOf(b.correctorOf(p.id)), CollTrack, p.id.String(),
					func(with bool) any { return b.renderPoint(t, p, r.list, with) })
			}
		}
	}
	for _, w := range b.entries {
		for _, e := range w {
			b.put(b.entrySpec(e, agency), CollSignificant, e.Key, e.Entry)
		}
	}
	for _, f := range b.flagOrder {
		b.putFlag(f, agency)
	}
}
