package board_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

var (
	strict      = mark(lead, marking.TLPAmberStrict, nil)
	green       = mark(lead, marking.TLPGreen, nil)
	redToThird  = mark(lead, marking.TLPRed, ids(third))
	amberToPart = mark(lead, marking.TLPAmber, ids(partner))
)

// TestHiddenEventsRevealNothing: for each agency that may not see some
// events, its view and every delta it receives are exactly what they
// would be if those events were not in the log at all — no ID, no count,
// no gap in a window, no moved clock.
func TestHiddenEventsRevealNothing(t *testing.T) {
	tests := []struct {
		name string
		// before and after are visible to all; hidden sits between them.
		before, hidden, after []domain.Payload
		from                  []domain.AgencyID
	}{
		{
			name:   "an AMBER+STRICT report stays with its originator",
			hidden: ps(observed(100, leadUnit, strict, "informant says 23:00")),
			after:  ps(observed(101, leadUnit, green, "quiet night")),
			from:   ids(partner, third, outsider),
		},
		{
			name:   "RED goes to the named recipients only",
			hidden: ps(observed(100, leadUnit, redToThird, "for third only")),
			after:  ps(observed(101, leadUnit, green, "quiet night")),
			from:   ids(partner, outsider),
		},
		{
			name:   "AMBER narrowed to one agency",
			hidden: ps(observed(100, leadUnit, amberToPart, "for partner only")),
			from:   ids(third, outsider),
		},
		{
			name:   "a hidden position leaves the track window untouched",
			before: ps(positioned(90, leadUnit, green, 48.1), positioned(91, leadUnit, green, 48.11)),
			hidden: ps(positioned(100, leadUnit, strict, 48.2), positioned(101, leadUnit, strict, 48.21)),
			after:  ps(positioned(102, leadUnit, green, 48.12)),
			from:   ids(partner, third),
		},
		{
			name:   "a retraction of a hidden report",
			hidden: ps(observed(100, leadUnit, strict, "x"), retraction(101, 100, leadUnit)),
			from:   ids(partner, third),
		},
		{
			name:   "a hidden correction of a visible report",
			before: ps(observed(90, leadUnit, green, "grey Audi")),
			hidden: ps(correctedObservation(100, 90, leadUnit, strict, "black Audi")),
			after:  ps(observed(101, leadUnit, green, "quiet night")),
			from:   ids(partner, third),
		},
		{
			name:   "a relaxation that does not reach the agency",
			hidden: ps(observed(100, leadUnit, strict, "x"), relaxation(101, 100, leadUnit, strict, redToThird)),
			from:   ids(partner),
		},
		{
			name:   "many hidden significant events do not shorten the log window",
			before: ps(observed(90, leadUnit, green, "a"), observed(91, leadUnit, green, "b")),
			hidden: ps(observed(100, leadUnit, strict, "c"), observed(101, leadUnit, strict, "d"), observed(102, leadUnit, strict, "e")),
			after:  ps(observed(103, leadUnit, green, "f")),
			from:   ids(partner, third),
		},
		{
			name:   "nothing at all reaches a non-participant, even CLEAR or RED naming it",
			hidden: ps(observed(100, leadUnit, mark(lead, marking.TLPClear, nil), "public"), observed(101, leadUnit, mark(lead, marking.TLPRed, ids(outsider)), "for outsider")),
			from:   ids(outsider),
		},
	}
	cfg := board.Config{TrackLength: 2, SignificantLength: 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := running().add(tt.before...).add(tt.hidden...).add(tt.after...)
			first := len(full.envs) - len(tt.after) - len(tt.hidden)
			without := &eventLog{envs: slices.Concat(full.envs[:first], full.envs[first+len(tt.hidden):])}
			with, without2 := feed(t, full, cfg), feed(t, without, cfg)
			for _, a := range tt.from {
				if got, want := with.agencyJSON(t, a), without2.agencyJSON(t, a); got != want {
					t.Errorf("agency %s:\nwith the hidden events   %s\nwithout them             %s", a, got, want)
				}
				for _, d := range with.deltas[first : first+len(tt.hidden)] {
					if ad := d.For(viewer(a)); ad != nil {
						t.Errorf("agency %s got a delta at %s: %s", a, d.Position, mustJSON(t, ad))
					}
				}
			}
			if got := with.agencyJSON(t, lead); !strings.Contains(got, dt.Report(100).String()) {
				t.Errorf("the originator does not see its own report 100")
			}
		})
	}
}

func ps(p ...domain.Payload) []domain.Payload { return p }

// TestNamedRecipients: RED is visible to the originator and to the
// recipients named by agency or by state, and to no other participant.
func TestNamedRecipients(t *testing.T) {
	red := mark(lead, marking.TLPRed, ids(third), dt.State("FR"))
	l := running().add(observed(100, leadUnit, red, "for third and France"),
		&operation.ParticipantAdded{OperationID: opID, Agency: joiner, ArrangementVersion: 1})
	f := feed(t, l, board.Config{})
	tests := []struct {
		name   string
		agency domain.AgencyID
		sees   bool
	}{
		{name: "the originator", agency: lead, sees: true},
		{name: "a recipient named by agency", agency: third, sees: true},
		{name: "a recipient named by state", agency: partner, sees: true},
		{name: "a participant not named", agency: joiner},
		{name: "a non-participant", agency: outsider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Contains(reportIDs(f.board.View(viewer(tt.agency))), dt.Report(100))
			if got != tt.sees {
				t.Errorf("sees report: %v, want %v", got, tt.sees)
			}
			if leaked := strings.Contains(f.agencyJSON(t, tt.agency), dt.Report(100).String()); leaked != tt.sees {
				t.Errorf("report ID in what it received: %v, want %v", leaked, tt.sees)
			}
		})
	}
}

// TestRelaxationAppliesFromItsPosition: a relaxed report appears to the
// newly entitled agencies at the relaxation, not before — live, and when
// the board is rebuilt as of any earlier position — and nobody else gets
// anything new.
func TestRelaxationAppliesFromItsPosition(t *testing.T) {
	l := running().add(observed(100, leadUnit, strict, "informant says 23:00"),
		observed(101, leadUnit, green, "quiet night"),
		relaxation(102, 100, leadUnit, strict, green))
	relaxedAt := len(l.envs) - 1
	f := feed(t, l, board.Config{})

	for i := range relaxedAt {
		asOf := dt.Must(board.New(opID, board.Config{}))
		for _, env := range l.envs[:i+1] {
			asOf.Fold(env)
		}
		if slices.Contains(reportIDs(asOf.View(viewer(partner))), dt.Report(100)) {
			t.Fatalf("as of position %s the partner sees report 100 before its relaxation", l.envs[i].Position)
		}
	}
	d := f.deltas[relaxedAt]
	for _, a := range ids(partner, third) {
		ad := d.For(viewer(a))
		if ad == nil || !putsReport(ad, dt.Report(100)) || !putsEntry(ad, dt.Report(100).String()) {
			t.Errorf("agency %s: the relaxation delta does not add report 100 and its entry: %s", a, mustJSON(t, ad))
		}
		v := f.board.View(viewer(a))
		if i := slices.Index(reportIDs(v), dt.Report(100)); i < 0 || v.Reports[i].Marking.TLP() != marking.TLPGreen {
			t.Errorf("agency %s: after the relaxation the view lacks report 100 as GREEN", a)
		}
	}
	if ad := d.For(viewer(lead)); ad == nil || putsEntry(ad, dt.Report(100).String()) {
		t.Errorf("the originator should get the new marking of its report and no new entry: %s", mustJSON(t, ad))
	}
	if ad := d.For(viewer(outsider)); ad != nil {
		t.Errorf("a non-participant got %s", mustJSON(t, ad))
	}
}

func putsReport(d *board.AgencyDelta, id domain.ReportID) bool {
	return slices.ContainsFunc(d.Changes, func(c board.Change) bool {
		return c.Op == board.OpPut && c.Collection == board.CollReports && c.Key == id.String()
	})
}

func putsEntry(d *board.AgencyDelta, key string) bool {
	return slices.ContainsFunc(d.Changes, func(c board.Change) bool {
		return c.Op == board.OpPut && c.Collection == board.CollSignificant && c.Key == key
	})
}

// TestCorrectionsAndRetractions: a correction or retraction updates a
// report for those who may see it and for nobody else.
func TestCorrectionsAndRetractions(t *testing.T) {
	type seen struct {
		reports     []domain.ReportID
		correctedBy domain.ReportID   // of report 100, as seen
		retracted   bool              // report 100
		hidden      []domain.ReportID // whose IDs it must never receive
	}
	tests := []struct {
		name   string
		events []domain.Payload
		want   map[domain.AgencyID]seen
	}{
		{
			name:   "a GREEN correction of a GREEN report",
			events: ps(observed(100, leadUnit, green, "grey Audi"), correctedObservation(101, 100, leadUnit, green, "black Audi")),
			want: map[domain.AgencyID]seen{
				lead:    {reports: rs(100, 101), correctedBy: dt.Report(101)},
				partner: {reports: rs(100, 101), correctedBy: dt.Report(101)},
			},
		},
		{
			name:   "an AMBER+STRICT correction of a GREEN report is the originator's",
			events: ps(observed(100, leadUnit, green, "grey Audi"), correctedObservation(101, 100, leadUnit, strict, "black Audi")),
			want: map[domain.AgencyID]seen{
				lead:    {reports: rs(100, 101), correctedBy: dt.Report(101)},
				partner: {reports: rs(100), hidden: rs(101)},
			},
		},
		{
			name:   "a GREEN correction of an AMBER+STRICT report shows only with its original",
			events: ps(observed(100, leadUnit, strict, "grey Audi"), correctedObservation(101, 100, leadUnit, green, "black Audi")),
			want: map[domain.AgencyID]seen{
				lead:    {reports: rs(100, 101), correctedBy: dt.Report(101)},
				partner: {hidden: rs(100, 101)},
			},
		},
		{
			name: "relaxing the original then shows both",
			events: ps(observed(100, leadUnit, strict, "grey Audi"), correctedObservation(101, 100, leadUnit, green, "black Audi"),
				relaxation(102, 100, leadUnit, strict, green)),
			want: map[domain.AgencyID]seen{
				partner: {reports: rs(100, 101), correctedBy: dt.Report(101)},
				third:   {reports: rs(100, 101), correctedBy: dt.Report(101)},
			},
		},
		{
			name: "relaxing the correction too, after the original",
			events: ps(observed(100, leadUnit, strict, "grey Audi"), correctedObservation(101, 100, leadUnit, strict, "black Audi"),
				relaxation(102, 100, leadUnit, strict, green), relaxation(103, 101, leadUnit, strict, green)),
			want: map[domain.AgencyID]seen{
				partner: {reports: rs(100, 101), correctedBy: dt.Report(101)},
			},
		},
		{
			name: "relaxing only the original leaves the correction hidden",
			events: ps(observed(100, leadUnit, strict, "grey Audi"), correctedObservation(101, 100, leadUnit, strict, "black Audi"),
				relaxation(102, 100, leadUnit, strict, green)),
			want: map[domain.AgencyID]seen{
				lead:    {reports: rs(100, 101), correctedBy: dt.Report(101)},
				partner: {reports: rs(100), hidden: rs(101, 102)},
			},
		},
		{
			name:   "a retraction shows to those who see the report",
			events: ps(observed(100, leadUnit, redToThird, "x"), retraction(101, 100, leadUnit)),
			want: map[domain.AgencyID]seen{
				third:   {reports: rs(100), retracted: true},
				partner: {hidden: rs(100, 101)},
			},
		},
		{
			name:   "a correction of a report the board never saw fails closed",
			events: ps(correctedObservation(101, 999, leadUnit, green, "black Audi")),
			want: map[domain.AgencyID]seen{
				lead:    {reports: rs(101)},
				partner: {hidden: rs(101, 999)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := feed(t, running().add(tt.events...), board.Config{})
			for a, want := range tt.want {
				v := f.board.View(viewer(a))
				got := seen{reports: reportIDs(v)}
				for _, r := range v.Reports {
					if r.Report == dt.Report(100) {
						got.correctedBy, got.retracted = r.CorrectedBy, r.Retraction != nil
					}
				}
				if !slices.Equal(got.reports, want.reports) || got.correctedBy != want.correctedBy || got.retracted != want.retracted {
					t.Errorf("agency %s sees %+v, want %+v", a, got, want)
				}
				for _, r := range want.hidden {
					if strings.Contains(f.agencyJSON(t, a), r.String()) {
						t.Errorf("agency %s received the ID of report %s", a, r)
					}
				}
			}
		})
	}
}

func rs(n ...uint64) []domain.ReportID {
	var out []domain.ReportID
	for _, i := range n {
		out = append(out, dt.Report(i))
	}
	return out
}

// TestNonParticipantSeesNothing: an agency outside the operation gets the
// empty view and no delta, whatever the log holds.
func TestNonParticipantSeesNothing(t *testing.T) {
	l := running().add(
		observed(100, leadUnit, mark(lead, marking.TLPClear, nil), "public"),
		positioned(101, partnerUnit, mark(partner, marking.TLPRed, ids(outsider)), 48.1),
		&operation.Suspended{OperationID: opID, Reason: "weather"},
	)
	f := feed(t, l, board.Config{})
	empty := dt.Must(board.New(opID, board.Config{})).View(viewer(outsider))
	if got, want := mustJSON(t, f.board.View(viewer(outsider))), mustJSON(t, empty); got != want {
		t.Errorf("view %s, want the empty view %s", got, want)
	}
	for _, d := range f.deltas {
		if ad := d.For(viewer(outsider)); ad != nil {
			t.Errorf("delta at %s: %s", d.Position, mustJSON(t, ad))
		}
	}
	if got := f.board.View(marking.Viewer{}); !got.AsOf.IsZero() || got.Operation != (domain.OperationID{}) {
		t.Errorf("an unidentified viewer sees %+v", got)
	}
}

// TestJoinerSeesFromJoining: an agency added to the operation sees nothing
// before it joins, then everything released to it, in one delta.
func TestJoinerSeesFromJoining(t *testing.T) {
	l := running().add(
		observed(100, leadUnit, green, "quiet"),
		observed(101, leadUnit, strict, "informant"),
		&operation.ParticipantAdded{OperationID: opID, Agency: joiner, ArrangementVersion: 1},
	)
	f := feed(t, l, board.Config{})
	for _, d := range f.deltas[:len(f.deltas)-1] {
		if ad := d.For(viewer(joiner)); ad != nil {
			t.Fatalf("the joiner got a delta at %s before joining", d.Position)
		}
	}
	ad := f.deltas[len(f.deltas)-1].For(viewer(joiner))
	v := dt.Must(board.New(opID, board.Config{})).View(viewer(joiner))
	v.Apply(ad)
	if got, want := mustJSON(t, v), mustJSON(t, f.board.View(viewer(joiner))); got != want {
		t.Fatalf("the join delta gives\n%s\nwant\n%s", got, want)
	}
	if !slices.Equal(reportIDs(v), rs(100)) || v.Status != operation.StatusActive || len(v.Participants) != 4 {
		t.Errorf("the joiner sees reports %v, status %q, %d participants", reportIDs(v), v.Status, len(v.Participants))
	}
	if ad := f.deltas[len(f.deltas)-1].For(viewer(partner)); ad == nil || len(ad.Changes) > 4 {
		t.Errorf("the partner should only learn of the new participant: %s", mustJSON(t, ad))
	}
}

// TestForeignAndUnknownEventsAreIgnored: events of another operation and
// payloads the board does not know change nothing.
func TestForeignAndUnknownEventsAreIgnored(t *testing.T) {
	other := dt.Operation(2)
	f := feed(t, running(), board.Config{})
	before := mustJSON(t, f.board.View(viewer(lead)))
	for _, p := range ps(
		&operation.Suspended{OperationID: other, Reason: "x"},
		&unknownPayload{},
		&operation.Agreed{OperationID: other, Agency: lead, ArrangementVersion: 1},
	) {
		d := f.board.Apply(projections.Envelope{Position: "x", Stream: "s", Event: domain.Event{Payload: p, RecordedAt: dt.At(99 * 60 * 60 * 1e9)}})
		if len(d.Changes) != 0 {
			t.Errorf("%T changed %v", p, d.Changes)
		}
	}
	if after := mustJSON(t, f.board.View(viewer(lead))); after != before {
		t.Errorf("the view changed:\n%s\n%s", before, after)
	}
}

type unknownPayload struct{}

func (unknownPayload) EventType() string     { return "jointops.future.thing" }
func (unknownPayload) SchemaVersion() uint32 { return 1 }

// TestTighteningIsNotARelaxation: a MarkingRelaxed that would hide a
// report from someone who sees it (the field log never records one) is
// ignored, so no agency ever loses an item it was shown.
func TestTighteningIsNotARelaxation(t *testing.T) {
	l := running().add(observed(100, leadUnit, green, "x"), relaxation(101, 100, leadUnit, green, strict))
	f := feed(t, l, board.Config{})
	if !slices.Equal(reportIDs(f.board.View(viewer(partner))), rs(100)) {
		t.Errorf("the partner lost report 100 to a tightening")
	}
	if d := f.deltas[len(f.deltas)-1]; len(d.Changes) != 0 {
		t.Errorf("the tightening changed %v", d.Changes)
	}
}
