package board_test

import (
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/projections/board"
)

// TestCorrectedTwice covers a report corrected a second time by a
// correction that an agency which saw the first may not see: at every
// position each agency's deltas replay to its View, the first correction
// stays the report's corrected_by, and the second reveals nothing to the
// agencies that may not see it.
func TestCorrectedTwice(t *testing.T) {
	green := mark(lead, marking.TLPGreen, nil)
	red := mark(lead, marking.TLPRed, ids(lead))
	tests := []struct {
		name     string
		original domain.Payload
	}{
		{name: "observation", original: observed(100, leadUnit, green, "white van")},
		{name: "position", original: positioned(100, leadUnit, green, 48.05)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := running().add(tt.original,
				correctedObservation(101, 100, leadUnit, green, "grey van"),
				correctedObservation(102, 100, leadUnit, red, "grey van, plate known"),
			)
			b := dt.Must(board.New(opID, board.Config{}))
			views := map[domain.AgencyID]*board.View{}
			for _, a := range agencies {
				v := b.View(viewer(a))
				views[a] = &v
			}
			for _, env := range l.envs {
				d := b.Apply(env)
				for _, a := range agencies {
					views[a].Apply(d.For(viewer(a)))
					if got, want := mustJSON(t, views[a]), mustJSON(t, b.View(viewer(a))); got != want {
						t.Fatalf("position %s, agency %s: view from deltas\n%s\nwant Board.View\n%s", env.Position, a, got, want)
					}
				}
			}
			for _, a := range []domain.AgencyID{lead, partner} {
				if got := correctedBy(b.View(viewer(a)), dt.Report(100)); got != dt.Report(101) {
					t.Errorf("agency %s sees report 100 corrected by %v, want %v", a, got, dt.Report(101))
				}
			}
			hidden := dt.Report(102).String()
			if f := feed(t, l, board.Config{}); strings.Contains(f.agencyJSON(t, partner), hidden) {
				t.Errorf("partner was shown report %s, which it may not see", hidden)
			}
		})
	}
}

// correctedBy returns the corrected_by of report id in v, as a report or
// as a point of a track.
func correctedBy(v board.View, id domain.ReportID) domain.ReportID {
	for _, r := range v.Reports {
		if r.Report == id {
			return r.CorrectedBy
		}
	}
	for _, tr := range v.Tracks {
		for _, p := range tr.Points {
			if p.Report == id {
				return p.CorrectedBy
			}
		}
	}
	return domain.ReportID{}
}
