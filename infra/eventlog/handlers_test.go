package eventlog_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// The cast: agency 1 leads operation 1 with agency 2; agency 3 stays out.
// Unit 7 belongs to agency 2, unit 8 to agency 3.
var (
	opID            = dt.Operation(1)
	lead, partner   = dt.Agency(1), dt.Agency(2)
	outsider        = dt.Agency(3)
	now             = dt.At(time.Hour)
	leadCommander   = principal(lead, 20, commands.RoleCommander)
	partnerCmdr     = principal(partner, 21, commands.RoleCommander)
	outsideCmdr     = principal(outsider, 22, commands.RoleCommander)
	unit7           = principal(partner, 7, commands.RoleFieldUnit)
	unit8           = principal(outsider, 8, commands.RoleFieldUnit)
	partnerObserver = principal(partner, 23, commands.RoleObserver)
	investigator    = principal(partner, 24, commands.RoleInvestigator)
)

func principal(a domain.AgencyID, subject uint64, r commands.Role) commands.Principal {
	return dt.Must(commands.NewPrincipal(a, dt.UUID(subject), r))
}

// env is the command path on real files: the SQLite event log and the
// SQLite outcomes, in a temporary directory.
type env struct {
	dir      string
	store    *sqlite.Store
	outcomes *eventlog.Outcomes
	h        *commands.Handlers
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{dir: t.TempDir()}
	e.open(t)
	return e
}

func (e *env) open(t testing.TB) {
	t.Helper()
	ctx := t.Context()
	var err error
	e.store, err = sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(e.dir, "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	e.outcomes, err = eventlog.OpenOutcomes(ctx, filepath.Join(e.dir, "commands.db"))
	if err != nil {
		t.Fatal(err)
	}
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	e.h, err = commands.New(commands.Config{
		Log: eventlog.NewLog(e.store, codec), Outcomes: e.outcomes,
		Clock: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.close() })
}

func (e *env) close() {
	if e.store != nil {
		e.h.Close(context.Background())
		e.store.Close()
		e.outcomes.Close()
		e.store = nil
	}
}

// restart closes everything and opens the same files again.
func (e *env) restart(t testing.TB) {
	e.close()
	e.open(t)
}

// events counts the events in the whole log.
func (e *env) events(t testing.TB) int {
	t.Helper()
	n, from := 0, eventstore.Start
	for {
		page, err := e.store.ReadAll(t.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		n += len(page)
		from = eventstore.After(page[len(page)-1].Position)
	}
}

func cmdID() commands.CommandID { return commands.CommandID(uuid.New()) }

func opCmd() commands.OperationCommand {
	return commands.OperationCommand{Operation: opID, OccurredAt: now}
}

func proposal() commands.Proposal {
	area := dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {8, 48}, {8, 49}, {7, 49}, {7, 48}}}))
	return commands.Proposal{OperationCommand: opCmd(), Proposal: operation.Proposal{
		Purpose: "Joint patrols against vehicle theft along the A4", Lead: lead,
		Participants: []domain.AgencyID{lead, partner}, HostStates: []domain.StateCode{dt.State("DE")},
		LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm Decision 2008/615/JHA", "Art. 17"))},
		Area:       area, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))),
	}}
}

// activeOperation proposes, agrees and activates operation 1.
func (e *env) activeOperation(t testing.TB) {
	t.Helper()
	ctx := t.Context()
	must := func(_ commands.Accepted, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.h.ProposeOperation(ctx, leadCommander, cmdID(), proposal()))
	must(e.h.AgreeToOperation(ctx, leadCommander, cmdID(), commands.Agreement{OperationCommand: opCmd(), ArrangementVersion: 1}))
	must(e.h.AgreeToOperation(ctx, partnerCmdr, cmdID(), commands.Agreement{OperationCommand: opCmd(), ArrangementVersion: 1}))
	must(e.h.ActivateOperation(ctx, leadCommander, cmdID(), opCmd()))
}

func position(unit uint64, report uint64, by domain.AgencyID, occurredAt time.Time) commands.Report[fieldlog.Position] {
	m := dt.Must(marking.New(marking.Spec{
		Originator: by, TLP: marking.TLPAmber,
		Evaluation: dt.Must(marking.NewEvaluation(marking.ReliabilityB, 2)),
	}))
	return commands.Report[fieldlog.Position]{
		Operation: opID, Unit: dt.Unit(unit), OccurredAt: occurredAt,
		Entry: fieldlog.Entry{ID: dt.Report(report), Marking: m},
		Body:  fieldlog.Position{Point: dt.Must(geo.NewPoint(48.5, 7.5)), Source: fieldlog.SourceGPS},
	}
}

func TestOperationLifecycleAndReports(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	acc, err := e.h.ReportPosition(t.Context(), unit7, cmdID(), position(7, 1, partner, now.Add(-time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if acc.Stream != fieldlog.Stream(opID, dt.Unit(7)) || acc.Revision != 0 || acc.Events != 1 || acc.Late || acc.Position == "" {
		t.Fatalf("accepted = %+v", acc)
	}
	if n := e.events(t); n != 5 {
		t.Fatalf("log holds %d events, want 5 (proposed, 2 agreed, activated, report)", n)
	}
	longer := commands.PeriodChange{OperationCommand: opCmd(), Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(96*time.Hour)))}
	if _, err := e.h.ChangePeriod(t.Context(), leadCommander, cmdID(), longer); err != nil {
		t.Fatal(err)
	}
	rep, err := eventstore.Verify(t.Context(), e.store)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Broken, err)
	}
}

func TestDenialsFromTheDeniedSide(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	before := e.events(t)
	tests := []struct {
		name string
		do   func() error
		kind error
	}{
		{"observer cannot write", func() error {
			_, err := e.h.SuspendOperation(ctx, partnerObserver, cmdID(), commands.Reasoned{OperationCommand: opCmd(), Reason: "x"})
			return err
		}, domain.ErrForbidden},
		{"investigator cannot report", func() error {
			_, err := e.h.ReportPosition(ctx, investigator, cmdID(), position(7, 2, partner, now))
			return err
		}, domain.ErrForbidden},
		{"unit reports only as itself", func() error {
			_, err := e.h.ReportPosition(ctx, unit7, cmdID(), position(9, 2, partner, now))
			return err
		}, domain.ErrForbidden},
		{"unit of an agency outside the operation", func() error {
			_, err := e.h.ReportPosition(ctx, unit8, cmdID(), position(8, 2, outsider, now))
			return err
		}, domain.ErrForbidden},
		{"commander of an agency outside plans", func() error {
			_, err := e.h.SuspendOperation(ctx, outsideCmdr, cmdID(), commands.Reasoned{OperationCommand: opCmd(), Reason: "x"})
			return err
		}, domain.ErrForbidden},
		{"partner (not lead) plans", func() error {
			_, err := e.h.SuspendOperation(ctx, partnerCmdr, cmdID(), commands.Reasoned{OperationCommand: opCmd(), Reason: "x"})
			return err
		}, domain.ErrForbidden},
		{"partner changes the legal basis", func() error {
			_, err := e.h.ChangeLegalBasis(ctx, partnerCmdr, cmdID(), commands.LegalBasisChange{OperationCommand: opCmd(),
				LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("CISA", "Art. 41"))}})
			return err
		}, domain.ErrForbidden},
		{"field unit cannot plan", func() error {
			_, err := e.h.ResumeOperation(ctx, unit7, cmdID(), opCmd())
			return err
		}, domain.ErrForbidden},
		{"report into an unknown operation", func() error {
			in := position(7, 2, partner, now)
			in.Operation = dt.Operation(99)
			_, err := e.h.ReportPosition(ctx, unit7, cmdID(), in)
			return err
		}, domain.ErrNotFound},
		{"report from the future", func() error {
			_, err := e.h.ReportPosition(ctx, unit7, cmdID(), position(7, 2, partner, now.Add(time.Hour)))
			return err
		}, domain.ErrRejected},
		{"marking claimed for another agency", func() error {
			_, err := e.h.ReportPosition(ctx, unit7, cmdID(), position(7, 2, lead, now))
			return err
		}, domain.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want kind %v", err, tt.kind)
			}
		})
	}
	if n := e.events(t); n != before {
		t.Fatalf("refused commands appended %d events", n-before)
	}
}

func TestLateReportIsAcceptedAndMarked(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	acc, err := e.h.ReportPosition(t.Context(), unit7, cmdID(), position(7, 1, partner, now.Add(-3*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if !acc.Late || acc.LateBy != 3*time.Hour {
		t.Fatalf("late report accepted as %+v, want late by 3h", acc)
	}
}

func TestIdempotentRetriesAcrossRestart(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	okID, badID := cmdID(), cmdID()
	first, err := e.h.ReportPosition(ctx, unit7, okID, position(7, 1, partner, now))
	if err != nil {
		t.Fatal(err)
	}
	future := now.Add(time.Hour)
	_, refusal := e.h.ReportPosition(ctx, unit7, badID, position(7, 2, partner, future))
	if !errors.Is(refusal, domain.ErrRejected) {
		t.Fatalf("setup: want a rejection, got %v", refusal)
	}
	count := e.events(t)

	for _, round := range []string{"same process", "after restart"} {
		if round == "after restart" {
			e.restart(t)
		}
		again, err := e.h.ReportPosition(ctx, unit7, okID, position(7, 1, partner, now))
		if err != nil || again != first {
			t.Fatalf("%s: retry = %+v, %v; want %+v", round, again, err, first)
		}
		_, err = e.h.ReportPosition(ctx, unit7, badID, position(7, 2, partner, future))
		if !errors.Is(err, domain.ErrRejected) || err.Error() != refusal.Error() {
			t.Fatalf("%s: retry of a refused command = %v; want %v", round, err, refusal)
		}
		_, err = e.h.ReportPosition(ctx, unit7, okID, position(7, 3, partner, now))
		if !errors.Is(err, commands.ErrCommandIDReused) {
			t.Fatalf("%s: same ID, different body = %v; want ErrCommandIDReused", round, err)
		}
		if n := e.events(t); n != count {
			t.Fatalf("%s: retries appended %d events", round, n-count)
		}
	}
}

// TestRetryAfterLostOutcome covers a crash between the append and the
// outcome record: the retry is answered by the log's own idempotency, since
// the event IDs derive from the command ID.
func TestRetryAfterLostOutcome(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	// Append the command's events directly, as a handler would have just
	// before dying, without recording the outcome.
	id := cmdID()
	l := fieldlog.New(opID, dt.Unit(7))
	in := position(7, 1, partner, now)
	m := dt.MetaAt(t, unit7.Actor(), now, now)
	if err := l.ReportPosition(m, in.Entry, in.Body); err != nil {
		t.Fatal(err)
	}
	direct, err := eventlog.NewLog(e.store, codec).Append(ctx, l.Stream(), 0, commands.Envelope{CommandID: id}, l.Changes())
	if err != nil {
		t.Fatal(err)
	}
	count := e.events(t)
	acc, err := e.h.ReportPosition(ctx, unit7, id, in)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Position != direct.Position || e.events(t) != count {
		t.Fatalf("retry after lost outcome: %+v (log grew by %d), want position %s and no append", acc, e.events(t)-count, direct.Position)
	}
}

func TestConcurrentCommandsOnOneStream(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	// A second Handlers on the same files: its commands race ours through
	// the store's optimistic concurrency, not the in-process lock.
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	other, err := commands.New(commands.Config{Log: eventlog.NewLog(e.store, codec), Outcomes: e.outcomes, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		h := e.h
		if i%2 == 1 {
			h = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.ReportPosition(ctx, unit7, cmdID(), position(7, uint64(100+i), partner, now))
			for errors.Is(err, commands.ErrConflict) {
				_, err = h.ReportPosition(ctx, unit7, cmdID(), position(7, uint64(100+i), partner, now))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	page, err := e.store.ReadStream(ctx, fieldlog.Stream(opID, dt.Unit(7)), eventstore.Forwards, 0, 100)
	if err != nil || len(page) != n {
		t.Fatalf("unit log holds %d events (%v), want %d", len(page), err, n)
	}
}
