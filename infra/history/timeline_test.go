package history_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
)

// secrets is a log with a report of A only B may see (RED to A and B),
// later relaxed to CLEAR, and a position report of C recorded 5.5 seconds
// late.
type secrets struct {
	*fixture
	secret, relaxed, late int // indexes in envs
}

func newSecrets(t *testing.T) secrets {
	f := newFixture(t).running()
	f.add(registered(agC))
	s := secrets{fixture: f}
	red := mark(agA, marking.TLPRed, agA, agB)
	f.add(observed(10, agA, red, "the meeting point"))
	s.secret = len(f.envs) - 1
	f.add(positioned(opID, 11, agB, mark(agB, marking.TLPGreen), 48.5))
	f.add(&fieldlog.MarkingRelaxed{ReportID: dt.Report(12), OperationID: opID, UnitID: unitOf[agA], Report: dt.Report(10), From: red, To: mark(agA, marking.TLPClear)})
	s.relaxed = len(f.envs) - 1
	f.addEvents(event{p: positioned(opID, 13, agC, mark(agC, marking.TLPGreen), 47.5), by: agC,
		occurred: f.clock.Add(-4500 * time.Millisecond), recorded: f.clock.Add(time.Second), lateBy: 5500 * time.Millisecond})
	s.late = len(f.envs) - 1
	return s
}

func types(items []history.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Type + "@" + it.Position
	}
	return out
}

func TestTimelineLeavesOutWhatTheAgencyMayNotSee(t *testing.T) {
	s := newSecrets(t)
	h := s.newHistory(history.Config{})
	apply(t, h, s.envs)
	ctx := context.Background()
	beforeRelax := position(s.envs[s.relaxed-1])
	tests := []struct {
		name   string
		agency domain.AgencyID
		at     eventstore.Cursor
		secret bool // whether the RED report and its relaxation are listed
	}{
		{"the originator sees its report", agA, beforeRelax, true},
		{"a named recipient sees it", agB, beforeRelax, true},
		{"another participant does not, before the relaxation", agC, beforeRelax, false},
		{"another participant does, once it was relaxed", agC, eventstore.End, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := h.Timeline(ctx, history.Query{Operation: opID, Agency: tt.agency, At: tt.at, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, it := range page.Items {
				if it.Position == s.envs[s.secret].Position {
					found = true
					if !json.Valid(it.Payload) || len(it.Payload) < 10 {
						t.Errorf("payload %s", it.Payload)
					}
				}
				if it.Type == fieldlog.MarkingRelaxedType && !tt.secret {
					t.Error("the relaxation of a report the agency may not see is listed")
				}
			}
			if found != tt.secret {
				t.Fatalf("secret report listed: %v, want %v (items %v)", found, tt.secret, types(page.Items))
			}
		})
	}
	t.Run("a non-participant sees nothing", func(t *testing.T) {
		page, err := h.Timeline(ctx, history.Query{Operation: opID, Agency: outsider, At: eventstore.End})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("got %d items, %v; want none", len(page.Items), err)
		}
	})
}

func TestTimelineFilters(t *testing.T) {
	s := newSecrets(t)
	h := s.newHistory(history.Config{})
	apply(t, h, s.envs)
	ctx := context.Background()
	late := s.envs[s.late]
	tests := []struct {
		name string
		q    history.Query
		want []string // positions
	}{
		{"by unit", history.Query{Units: []domain.UnitID{unitOf[agC]}}, nil},
		{"by type prefix", history.Query{Types: []string{"jointops.field.position"}}, []string{s.envs[s.secret+1].Position, late.Position}},
		{"by agency", history.Query{Agencies: []domain.AgencyID{agC}, Types: []string{"jointops.field."}}, []string{late.Position}},
		{"by box", history.Query{Box: &history.Box{MinLat: 47, MinLon: 7, MaxLat: 48, MaxLon: 8}}, []string{late.Position}},
		{"by occurred time", history.Query{Clock: history.Occurred, To: late.Event.OccurredAt, From: late.Event.OccurredAt}, []string{late.Position}},
		{"by recorded time", history.Query{From: late.Event.RecordedAt}, []string{late.Position}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Operation, q.Agency, q.At = opID, agA, eventstore.End
			page, err := h.Timeline(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range page.Items {
				got = append(got, it.Position)
			}
			if tt.want == nil { // by unit: every event of or about C's unit
				if len(got) == 0 {
					t.Fatal("no event of the unit")
				}
				for _, it := range page.Items {
					if it.Actor.Unit != unitOf[agC] && it.Position != late.Position && it.Type != "jointops.operation.resource_checked_in" {
						t.Errorf("item %s of unit %s", it.Type, it.Actor.Unit)
					}
				}
				return
			}
			if mustJSON(t, got) != mustJSON(t, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("late items say by how much", func(t *testing.T) {
		page := dt.Must(h.Timeline(ctx, history.Query{Operation: opID, Agency: agA, At: eventstore.End, From: late.Event.RecordedAt}))
		it := page.Items[0]
		if !it.Late || it.LateBySeconds != 5 || it.CommandID.String() == "" || it.Actor.Agency != agC {
			t.Fatalf("item %+v", it)
		}
	})
}

func TestTimelinePages(t *testing.T) {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(8, 150)
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	ctx := context.Background()
	all := dt.Must(h.Timeline(ctx, history.Query{Operation: opID, Agency: agA, At: eventstore.End, Limit: 1000}))
	if all.Next != "" {
		t.Fatalf("one page of everything has a next cursor %q", all.Next)
	}
	var paged []history.Item
	after := eventstore.Start
	for range 100 {
		page := dt.Must(h.Timeline(ctx, history.Query{Operation: opID, Agency: agA, At: eventstore.End, After: after, Limit: 7}))
		paged = append(paged, page.Items...)
		if page.Next == "" {
			break
		}
		if len(page.Items) != 7 {
			t.Fatalf("a page with a next cursor has %d items", len(page.Items))
		}
		after = eventstore.After(dt.Must(eventstore.ParsePosition(page.Next)))
	}
	if mustJSON(t, types(paged)) != mustJSON(t, types(all.Items)) {
		t.Fatalf("pages give %d items, one read %d", len(paged), len(all.Items))
	}
}

func TestTimelineRefusesABadQuery(t *testing.T) {
	f := newFixture(t).running()
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	tests := []struct {
		name string
		q    history.Query
	}{
		{"no agency", history.Query{Operation: opID}},
		{"a limit too large", history.Query{Operation: opID, Agency: agA, Limit: 1001}},
		{"an unknown clock", history.Query{Operation: opID, Agency: agA, Clock: "field"}},
		{"a window ending before it begins", history.Query{Operation: opID, Agency: agA, From: dt.At(time.Hour), To: dt.T0()}},
		{"an inverted box", history.Query{Operation: opID, Agency: agA, Box: &history.Box{MinLat: 2, MaxLat: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := h.Timeline(context.Background(), tt.q); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := h.Timeline(context.Background(), history.Query{Operation: dt.Operation(9), Agency: agA}); !errors.Is(err, history.ErrUnknownOperation) {
		t.Fatalf("unknown operation: %v", err)
	}
}

func TestFrameOccurredAtIncludesLateReports(t *testing.T) {
	s := newSecrets(t)
	h := s.newHistory(history.Config{})
	apply(t, h, s.envs)
	ctx := context.Background()
	late := s.envs[s.late].Event
	// Just after the late report happened, long before it was recorded.
	at := late.OccurredAt.Add(200 * time.Millisecond)
	fr, err := h.FrameOccurredAt(ctx, opID, at)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tr := range fr.View(agA).Tracks {
		if tr.Unit == unitOf[agC] {
			found = true
		}
	}
	if !found {
		t.Fatal("the late report is missing from the board of what had happened by then")
	}
	byRecorded, err := h.PositionAt(ctx, opID, at)
	if err != nil {
		t.Fatal(err)
	}
	if !byRecorded.Less(dt.Must(eventstore.ParsePosition(s.envs[s.late].Position))) {
		t.Fatal("the recorded-at position already includes the late report: the test shows nothing")
	}
	if fr.Position().String() != s.envs[s.late].Position {
		t.Fatalf("frame at %s, want the late report's %s", fr.Position(), s.envs[s.late].Position)
	}
}

// A full page followed only by what the agency may not see has no next
// cursor: the cursor must not reveal that anything follows.
func TestTimelineNextRevealsNothing(t *testing.T) {
	s := newSecrets(t)
	h := s.newHistory(history.Config{})
	apply(t, h, s.envs)
	ctx := context.Background()
	at := position(s.envs[s.relaxed-1])
	byA := func(agency domain.AgencyID, limit int) history.Page {
		return dt.Must(h.Timeline(ctx, history.Query{Operation: opID, Agency: agency, At: at, Agencies: []domain.AgencyID{agA}, Limit: limit}))
	}
	n := len(byA(agC, 1000).Items) // A's events C may see; A's RED report follows them
	if got := byA(agC, n); len(got.Items) != n || got.Next != "" {
		t.Fatalf("C's full page of %d has next %q", len(got.Items), got.Next)
	}
	if got := byA(agB, n); got.Next == "" {
		t.Fatal("B, who may see the report, gets no next page")
	}
}
