package board

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// MayViewReport reports whether viewer may see report id — a field report
// of any kind, position reports included — on this board now: under the
// marking in force and with the participants in force, a correction only
// with every report it corrects, exactly as View decides. A report the
// board does not know is seen by no one. History uses it to leave out of
// a timeline every report, retraction and relaxation an agency could not
// see at the time read.
func (b *Board) MayViewReport(id domain.ReportID, viewer marking.Viewer) bool {
	l := b.listOf(id)
	if l == noList || viewer.Agency.IsZero() || !slices.Contains(b.participants, viewer.Agency) {
		return false
	}
	return b.aud.lists[l].mayView(viewer, b.participants)
}
