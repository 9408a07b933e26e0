package board_test

import (
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// TestReportWindow: an agency sees the latest ReportLength reports it may
// see, never the visible part of a shared window; a relaxation moves a
// report still in its marking's window to the new marking's, but one that
// left its window (ReportLength later reports of its marking) stays out
// of every view, even of an agency it entitles.
func TestReportWindow(t *testing.T) {
	before := ps(
		observed(100, leadUnit, strict, "a"),
		observed(101, leadUnit, strict, "b"),
		observed(102, leadUnit, strict, "c"),
		observed(103, leadUnit, strict, "d"), // 100 leaves the window of strict
		observed(104, leadUnit, green, "e"),
	)
	cfg := board.Config{ReportLength: 3}
	tests := []struct {
		name   string
		after  []domain.Payload
		agency domain.AgencyID
		want   []domain.ReportID
	}{
		{name: "the originator sees its latest", agency: lead, want: rs(102, 103, 104)},
		{name: "a partner sees the GREEN one alone", agency: partner, want: rs(104)},
		{
			name:   "a report relaxed in its window is seen where it belongs",
			after:  ps(relaxation(110, 101, leadUnit, strict, green)),
			agency: partner, want: rs(101, 104),
		},
		{
			name:   "a report relaxed after it left its window stays out",
			after:  ps(relaxation(110, 100, leadUnit, strict, green)),
			agency: partner, want: rs(104),
		},
		{
			name: "GREEN reports crowd out the partner's older ones only",
			after: ps(observed(105, leadUnit, green, "f"), observed(106, leadUnit, strict, "g"),
				observed(107, leadUnit, green, "h"), observed(108, leadUnit, green, "i")),
			agency: partner, want: rs(105, 107, 108),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := feed(t, running().add(before...).add(tt.after...), cfg)
			if got := reportIDs(f.board.View(viewer(tt.agency))); !slices.Equal(got, tt.want) {
				t.Errorf("reports %v, want %v", got, tt.want)
			}
			deltasAgree(t, f)
		})
	}
}

// TestDroppedReportsStayKnown: a report whose body left every window is
// still known with its marking list in force: a correction of it extends
// its list, a flag resting on it is seen by whoever may see it, a
// relaxation of it changes what later corrections, flags and
// MayViewReport see, and a retraction of it goes to the significant-events
// log.
func TestDroppedReportsStayKnown(t *testing.T) {
	crowded := func() *eventLog {
		return running().add(
			observed(100, leadUnit, green, "a"),
			observed(101, leadUnit, strict, "b"),
			observed(102, leadUnit, green, "c"),
			observed(103, leadUnit, green, "d"),
			observed(104, leadUnit, strict, "e"),
			observed(105, leadUnit, strict, "f"), // 100 and 101 left their windows
		)
	}
	cfg := board.Config{ReportLength: 2}
	t.Run("a correction extends the list of what it corrects", func(t *testing.T) {
		f := feed(t, crowded().add(correctedObservation(110, 100, leadUnit, green, "a, corrected"),
			correctedObservation(111, 101, leadUnit, green, "b, corrected")), cfg)
		assertMayView(t, f.board, dt.Report(110), map[domain.AgencyID]bool{lead: true, partner: true, third: true})
		assertMayView(t, f.board, dt.Report(111), map[domain.AgencyID]bool{lead: true, partner: false, third: false})
		if got := reportIDs(f.board.View(viewer(partner))); !slices.Equal(got, rs(103, 110)) {
			t.Errorf("partner's reports %v, want %v", got, rs(103, 110))
		}
		deltasAgree(t, f)
	})
	t.Run("a flag is seen by whoever may see the report", func(t *testing.T) {
		l := crowded()
		l.add(raised(leadUnit, compliance.RuleNoProvision, reportRef(t, l, 100)),
			raised(leadUnit, compliance.RulePursuitDistance, reportRef(t, l, 101)))
		f := feed(t, l, cfg)
		if got := len(f.board.View(viewer(partner)).Flags); got != 1 {
			t.Errorf("partner sees %d flags, want the one on the GREEN report", got)
		}
		if got := len(f.board.View(viewer(lead)).Flags); got != 2 {
			t.Errorf("lead sees %d flags, want 2", got)
		}
		deltasAgree(t, f)
	})
	t.Run("a relaxation changes the list for what follows", func(t *testing.T) {
		l := crowded().add(relaxation(120, 101, leadUnit, strict, green))
		l.add(raised(leadUnit, compliance.RulePursuitDistance, reportRef(t, l, 101)),
			correctedObservation(121, 101, leadUnit, green, "b, corrected"))
		f := feed(t, l, cfg)
		assertMayView(t, f.board, dt.Report(101), map[domain.AgencyID]bool{lead: true, partner: true, outsider: false})
		assertMayView(t, f.board, dt.Report(121), map[domain.AgencyID]bool{lead: true, partner: true})
		if v := f.board.View(viewer(partner)); len(v.Flags) != 1 || !slices.Contains(reportIDs(v), dt.Report(121)) {
			t.Errorf("partner's flags %v and reports %v, want the flag and report 121", flagIDs(v), reportIDs(v))
		}
		deltasAgree(t, f)
	})
	t.Run("a retraction is significant", func(t *testing.T) {
		f := feed(t, crowded().add(retraction(130, 100, leadUnit), retraction(131, 100, leadUnit)), board.Config{ReportLength: 2, SignificantLength: 3})
		v := f.board.View(viewer(partner))
		var retractions []string
		for _, e := range v.Significant {
			if e.Type == fieldlog.ReportRetractedType {
				retractions = append(retractions, e.Key)
			}
		}
		if want := []string{dt.Report(130).String()}; !slices.Equal(retractions, want) || v.Significant[len(v.Significant)-1].Report != dt.Report(100) {
			t.Errorf("retractions in the log %v, want %v (the second one ignored)", retractions, want)
		}
		deltasAgree(t, f)
	})
}

func assertMayView(t *testing.T, b *board.Board, id domain.ReportID, want map[domain.AgencyID]bool) {
	t.Helper()
	for a, w := range want {
		if got := b.MayViewReport(id, viewer(a)); got != w {
			t.Errorf("MayViewReport(%s, agency %s) = %t, want %t", id, a, got, w)
		}
	}
}

// TestRetainedStateIsBounded folds 20,000 reports other than positions
// (and four times as many positions) of three agencies under two markings
// each, with the tasks and resource changes of the busy load, and checks
// that the board keeps no more than its windows: report bodies at most
// lists × ReportLength, entries at most (lists + 1) × SignificantLength,
// points at most units × lists × TrackLength; while every report stays
// known.
func TestRetainedStateIsBounded(t *testing.T) {
	cfg := board.Config{}.WithDefaults()
	const units, lists = 20, 6
	l := newReportLoad(units)
	b := dt.Must(board.New(opID, cfg))
	for _, env := range l.setUp() {
		b.Fold(env)
	}
	buf := make([]projections.Envelope, 1<<12)
	var reports []domain.ReportID
	for len(reports) < 20_000 {
		l.next(buf)
		for _, env := range buf {
			b.Fold(env)
			if r, ok := env.Event.Payload.(fieldlog.Report); ok {
				if _, position := r.(*fieldlog.PositionReported); !position {
					reports = append(reports, r.Head().ReportID)
				}
			}
		}
	}
	bodies, entries, points := b.Retained()
	if bodies > lists*cfg.ReportLength || entries > (lists+1)*cfg.SignificantLength || points > units*lists*cfg.TrackLength {
		t.Errorf("the board keeps %d report bodies, %d entries and %d points; want at most %d, %d and %d",
			bodies, entries, points, lists*cfg.ReportLength, (lists+1)*cfg.SignificantLength, units*lists*cfg.TrackLength)
	}
	if bodies < cfg.ReportLength {
		t.Errorf("the board keeps %d report bodies, fewer than a view shows", bodies)
	}
	for _, id := range []domain.ReportID{reports[0], reports[len(reports)/2], reports[len(reports)-1]} {
		if !b.MayViewReport(id, viewer(lead)) && !b.MayViewReport(id, viewer(partner)) && !b.MayViewReport(id, viewer(third)) {
			t.Errorf("report %s is no longer known", id)
		}
	}
}
