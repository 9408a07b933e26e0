package commands

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func testAccess(what AccessKind) HistoryAccess {
	return HistoryAccess{Operation: testOp, What: what, Purpose: "Oversight request OR-2025-3",
		Parameters: map[string]string{"as_of": "42"}, OccurredAt: testNow.Add(-time.Second)}
}

// TestHistoryAccessAuthorization proves who may read history, mostly from
// the denied side: each refused access appends nothing.
func TestHistoryAccessAuthorization(t *testing.T) {
	ctx := context.Background()
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal())) // agency1 leads, agency2 takes part, agency3 is outside

	investigator1 := testPrincipal(agency1, 40, RoleInvestigator)
	admin2 := testPrincipal(agency2, 41, RoleAdmin)
	observer1 := testPrincipal(agency1, 42, RoleObserver)
	outsider := testPrincipal(agency3, 43, RoleInvestigator)
	system := dt.Must(SystemPrincipal(agency1))
	with := func(what AccessKind, edit func(*HistoryAccess)) HistoryAccess {
		in := testAccess(what)
		if edit != nil {
			edit(&in)
		}
		return in
	}
	asAgency := func(a string) func(*HistoryAccess) {
		return func(in *HistoryAccess) { in.Parameters = map[string]string{ParamAsAgency: a} }
	}

	tests := []struct {
		name string
		p    Principal
		in   HistoryAccess
		want error       // nil: recorded
		code domain.Code // of the refusal, when set
	}{
		{"an investigator of the lead agency reads a timeline", investigator1, with(AccessTimeline, nil), nil, ""},
		{"an investigator exports", investigator1, with(AccessExport, nil), nil, ""},
		{"an admin of a participating agency verifies", admin2, with(AccessVerify, nil), nil, ""},
		{"an admin reads the audit timeline", admin2, with(AccessAudit, nil), nil, ""},
		{"a commander reads the board as of a position", lead, with(AccessBoardAsOf, nil), nil, ""},
		{"a commander replays as their own agency", partner, with(AccessReplay, asAgency(agency2.String())), nil, ""},
		{"a commander may not read as another agency", partner, with(AccessTimeline, asAgency(agency1.String())),
			domain.ErrForbidden, CodeHistoryAsAgency},
		{"a commander may not read as an unparsable agency", partner, with(AccessTimeline, asAgency("DE")),
			domain.ErrForbidden, CodeHistoryAsAgency},
		{"a commander may not export", lead, with(AccessExport, nil), domain.ErrForbidden, CodeHistoryRole},
		{"a commander may not verify", lead, with(AccessVerify, nil), domain.ErrForbidden, CodeHistoryRole},
		{"a commander may not read the audit timeline", lead, with(AccessAudit, nil), domain.ErrForbidden, CodeHistoryRole},
		{"an observer may not read history", observer1, with(AccessTimeline, nil), domain.ErrForbidden, CodeHistoryRole},
		{"a field unit may not read history", unit7, with(AccessBoardAsOf, nil), domain.ErrForbidden, CodeHistoryRole},
		{"the compliance policy may not read history", system, with(AccessTimeline, nil), domain.ErrForbidden, CodeHistoryRole},
		{"an investigator of an agency outside the operation", outsider, with(AccessTimeline, nil), domain.ErrForbidden, CodeNotVisible},
		{"an operation that does not exist looks the same", investigator1,
			with(AccessTimeline, func(in *HistoryAccess) { in.Operation = dt.Operation(99) }), domain.ErrForbidden, CodeNotVisible},
		{"a missing purpose is invalid", investigator1, with(AccessTimeline, func(in *HistoryAccess) { in.Purpose = "  " }),
			domain.ErrInvalid, ""},
		{"a missing purpose is invalid, before who asks is looked at", outsider,
			with(AccessTimeline, func(in *HistoryAccess) { in.Purpose = "" }), domain.ErrInvalid, ""},
		{"an overlong purpose is invalid", investigator1,
			with(AccessTimeline, func(in *HistoryAccess) { in.Purpose = strings.Repeat("x", audit.MaxPurpose+1) }), domain.ErrInvalid, ""},
		{"an unknown kind is invalid", investigator1, with("peek", nil), domain.ErrInvalid, ""},
		{"the operation is required", investigator1,
			with(AccessTimeline, func(in *HistoryAccess) { in.Operation = domain.OperationID{} }), domain.ErrInvalid, ""},
		{"an access in the future is rejected", investigator1,
			with(AccessTimeline, func(in *HistoryAccess) { in.OccurredAt = testNow.Add(time.Hour) }), domain.ErrRejected, domain.CodeOccurredInFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(log.events(audit.Stream(tt.in.Operation)))
			acc, err := h.RecordHistoryAccess(ctx, tt.p, tt.in)
			after := len(log.events(audit.Stream(tt.in.Operation)))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if acc.Events != 1 || acc.Stream != audit.Stream(tt.in.Operation) || after != before+1 {
					t.Fatalf("accepted as %+v; the trail went from %d to %d events", acc, before, after)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if code, _ := domain.CodeOf(err); tt.code != "" && code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
			if after != before {
				t.Errorf("a refused access appended %d events", after-before)
			}
		})
	}
}

// TestHistoryAccessIsRecorded checks what the trail holds: who read, when,
// what, why and how; two identical reads are two accesses.
func TestHistoryAccessIsRecorded(t *testing.T) {
	ctx := context.Background()
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	investigator := testPrincipal(agency2, 40, RoleInvestigator)
	in := testAccess(AccessBoardAsOf)

	first := must(t)(h.RecordHistoryAccess(ctx, investigator, in))
	second := must(t)(h.RecordHistoryAccess(ctx, investigator, in))
	if first.Position == second.Position || second.Revision != first.Revision+1 {
		t.Fatalf("two reads answered %+v and %+v, want two appends", first, second)
	}
	trail := log.events(audit.Stream(testOp))
	if len(trail) != 2 || trail[0].cmd == trail[1].cmd {
		t.Fatalf("trail holds %d events (command IDs distinct: %v), want 2 of distinct commands", len(trail), len(trail) == 2 && trail[0].cmd != trail[1].cmd)
	}
	e := trail[0].e
	want := &audit.HistoryAccessed{OperationID: testOp, What: audit.KindBoardAsOf, Role: "investigator", Purpose: in.Purpose, Parameters: in.Parameters}
	if !reflect.DeepEqual(e.Payload, want) {
		t.Errorf("payload %+v, want %+v", e.Payload, want)
	}
	if e.Actor != investigator.Actor() || !e.OccurredAt.Equal(in.OccurredAt) || !e.RecordedAt.Equal(testNow) {
		t.Errorf("actor %+v at %s (recorded %s), want %+v at %s (recorded %s)", e.Actor, e.OccurredAt, e.RecordedAt,
			investigator.Actor(), in.OccurredAt, testNow)
	}

	in.OccurredAt = time.Time{}
	must(t)(h.RecordHistoryAccess(ctx, investigator, in))
	if got := log.events(audit.Stream(testOp))[2].e.OccurredAt; !got.Equal(testNow) {
		t.Errorf("an access without a time occurred at %s, want the server's now %s", got, testNow)
	}
}

// events returns the events of stream so far.
func (l *memLog) events(stream string) []memEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.streams[stream])
}

// failingAudit is an EventLog whose appends to audit streams fail.
type failingAudit struct {
	*memLog
}

var errDiskFull = errors.New("disk full")

func (f failingAudit) Append(ctx context.Context, stream string, version uint64, env Envelope, events []domain.Event) (Appended, error) {
	if strings.HasPrefix(stream, audit.StreamPrefix) {
		return Appended{}, errDiskFull
	}
	return f.memLog.Append(ctx, stream, version, env, events)
}

// TestHistoryAccessFailsWhenUnrecorded: an access the log cannot record is
// an error, so the caller does not serve the read.
func TestHistoryAccessFailsWhenUnrecorded(t *testing.T) {
	ctx := context.Background()
	log := newMemLog()
	h, err := New(Config{Log: failingAudit{log}, Outcomes: newMemOutcomes(), Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	_, err = h.RecordHistoryAccess(ctx, testPrincipal(agency1, 40, RoleInvestigator), testAccess(AccessTimeline))
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("got %v, want the log's error", err)
	}
}

// TestAccessKindsAreAuditKinds keeps the two lists of kinds one.
func TestAccessKindsAreAuditKinds(t *testing.T) {
	for _, k := range []AccessKind{AccessBoardAsOf, AccessTimeline, AccessReplay, AccessExport, AccessAudit, AccessVerify} {
		if !audit.Kind(k).Valid() {
			t.Errorf("%s is not an audit kind", k)
		}
	}
}
