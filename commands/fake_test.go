package commands

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
)

// This package may not import infra/, so the engine's unit tests run on
// memLog and memOutcomes, in-memory fakes of the ports declared here. The
// handlers are tested end to end on the real SQLite store in infra/eventlog.

// memLog is an in-memory EventLog that counts what it is asked. Like the
// real log, a repeated append of one command is answered with its first
// result.
type memLog struct {
	mu        sync.Mutex
	streams   map[string][]memEvent
	loads     map[string]int
	froms     map[string][]uint64 // the from of each load, in order
	appends   int
	conflicts int
}

type memEvent struct {
	cmd      CommandID
	position string
	e        domain.Event
}

func newMemLog() *memLog {
	return &memLog{streams: make(map[string][]memEvent), loads: make(map[string]int), froms: make(map[string][]uint64)}
}

func (l *memLog) Load(_ context.Context, stream string, from uint64, fold func(domain.Event)) (uint64, error) {
	l.mu.Lock()
	l.loads[stream]++
	l.froms[stream] = append(l.froms[stream], from)
	all := l.streams[stream]
	if from > uint64(len(all)) {
		l.mu.Unlock()
		return 0, fmt.Errorf("load %s from %d: stream holds %d", stream, from, len(all))
	}
	tail := slices.Clone(all[from:])
	l.mu.Unlock()
	for _, e := range tail {
		fold(e.e)
	}
	return from + uint64(len(tail)), nil
}

func (l *memLog) Append(_ context.Context, stream string, version uint64, env Envelope, events []domain.Event) (Appended, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	all := l.streams[stream]
	for i, e := range all {
		if e.cmd == env.CommandID {
			last := i + len(events) - 1
			return Appended{Position: all[last].position, Version: uint64(last) + 1}, nil
		}
	}
	if uint64(len(all)) != version {
		l.conflicts++
		return Appended{}, fmt.Errorf("%w: %s holds %d events, expected %d", ErrConflict, stream, len(all), version)
	}
	for _, e := range events {
		l.appends++
		all = append(all, memEvent{cmd: env.CommandID, position: fmt.Sprint(l.appends), e: e})
	}
	l.streams[stream] = all
	return Appended{Position: all[len(all)-1].position, Version: uint64(len(all))}, nil
}

func (l *memLog) Find(_ context.Context, stream string, cmd CommandID) (Found, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var f Found
	for i, e := range l.streams[stream] {
		if e.cmd == cmd {
			f.Events++
			f.Position, f.Version = e.position, uint64(i)+1
			f.LateBy = max(f.LateBy, e.e.LateBy)
		}
	}
	return f, f.Events > 0, nil
}

// stats returns the appends, conflicts and loads of stream so far.
func (l *memLog) stats(stream string) (appends, conflicts, loads int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.appends, l.conflicts, l.loads[stream]
}

// loadsFrom returns the from of every load of stream so far.
func (l *memLog) loadsFrom(stream string) []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.froms[stream])
}

// memOutcomes is an in-memory Outcomes that counts lookups. Put may be
// held up (hold).
type memOutcomes struct {
	mu   sync.Mutex
	m    map[CommandID]Outcome
	gets int
	hold chan struct{} // when set, Put waits for it to close
}

func newMemOutcomes() *memOutcomes { return &memOutcomes{m: make(map[CommandID]Outcome)} }

// recorded reports whether an outcome of id is recorded.
func (o *memOutcomes) recorded(id CommandID) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.m[id]
	return ok
}

func (o *memOutcomes) Get(_ context.Context, id CommandID) (Outcome, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.gets++
	out, ok := o.m[id]
	return out, ok, nil
}

func (o *memOutcomes) Put(ctx context.Context, id CommandID, out Outcome) error {
	o.mu.Lock()
	hold := o.hold
	o.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.m[id]; !ok {
		o.m[id] = out
	}
	return nil
}

// The cast: agency 1 leads operation 1 with agency 2; agency 3 is outside
// until a test adds it. Unit 7 belongs to agency 2, unit 8 to agency 3.
var (
	testOp                    = dt.Operation(1)
	testNow                   = dt.At(time.Hour)
	agency1, agency2, agency3 = dt.Agency(1), dt.Agency(2), dt.Agency(3)
	lead                      = testPrincipal(agency1, 20, RoleCommander)
	partner                   = testPrincipal(agency2, 21, RoleCommander)
	unit7                     = testPrincipal(agency2, 7, RoleFieldUnit)
	unit8                     = testPrincipal(agency3, 8, RoleFieldUnit)
)

func testPrincipal(a domain.AgencyID, subject uint64, r Role) Principal {
	return dt.Must(NewPrincipal(a, dt.UUID(subject), r))
}

func newTestHandlers(t testing.TB, log *memLog, outcomes *memOutcomes, tune func(*Config)) *Handlers {
	t.Helper()
	cfg := Config{Log: log, Outcomes: outcomes, Clock: func() time.Time { return testNow }}
	if tune != nil {
		tune(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newCmd() CommandID { return CommandID(uuid.New()) }

func onTestOp() OperationCommand { return OperationCommand{Operation: testOp, OccurredAt: testNow} }

func testProposal() Proposal {
	area := dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {8, 48}, {8, 49}, {7, 49}, {7, 48}}}))
	return Proposal{OperationCommand: onTestOp(), Proposal: operation.Proposal{
		Purpose: "Joint patrols against vehicle theft along the A4", Lead: agency1,
		Participants: []domain.AgencyID{agency1, agency2}, HostStates: []domain.StateCode{dt.State("DE")},
		LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm Decision 2008/615/JHA", "Art. 17"))},
		Area:       area, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))),
	}}
}

func testPosition(unit, report uint64, by domain.AgencyID) Report[fieldlog.Position] {
	m := dt.Must(marking.New(marking.Spec{Originator: by, TLP: marking.TLPAmber,
		Evaluation: dt.Must(marking.NewEvaluation(marking.ReliabilityB, 2))}))
	return Report[fieldlog.Position]{
		Operation: testOp, Unit: dt.Unit(unit), OccurredAt: testNow,
		Entry: fieldlog.Entry{ID: dt.Report(report), Marking: m},
		Body:  fieldlog.Position{Point: dt.Must(geo.NewPoint(48.5, 7.5)), Source: fieldlog.SourceGPS},
	}
}

// must fails the test on a command's error.
func must(t testing.TB) func(Accepted, error) Accepted {
	return func(acc Accepted, err error) Accepted {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return acc
	}
}
