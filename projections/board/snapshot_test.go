package board_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// TestSnapshotContinuesAsTheOriginal is the snapshot's property, over the
// random logs of TestDeltasReplayToTheView (which overflow its small
// windows) cut at the start, at a random event and at the end: a board restored from a snapshot taken at the cut
// shows every agency the same View as the original, then returns for
// every following event the same Delta as the original (as every agency
// sees it, and with the same changes and audiences), and ends with the
// same View for every agency. Boards are folded up to the cut with Fold
// for even seeds and Apply for odd ones, as a rebuild or a live board
// would be.
func TestSnapshotContinuesAsTheOriginal(t *testing.T) {
	cfg := board.Config{TrackLength: 2, SignificantLength: 3, ReportLength: 3}
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			g := newGenerator(t, seed)
			g.run(220)
			envs := g.log.envs
			rng := rand.New(rand.NewPCG(seed, 11))
			for _, cut := range []int{0, 1 + rng.IntN(len(envs)-1), len(envs)} {
				original := dt.Must(board.New(opID, cfg))
				for _, env := range envs[:cut] {
					if seed%2 == 0 {
						original.Fold(env)
					} else {
						original.Apply(env)
					}
				}
				restored := roundTrip(t, original)
				assertSameBoard(t, fmt.Sprintf("cut %d of %d", cut, len(envs)), original, restored)
				for _, env := range envs[cut:] {
					assertSameDelta(t, env.Position, original.Apply(env), restored.Apply(env))
				}
				assertSameBoard(t, fmt.Sprintf("cut %d, at the end", cut), original, restored)
				assertSameBoard(t, fmt.Sprintf("cut %d, restored twice", cut), original, roundTrip(t, restored))
			}
			g.checkCoverage(t)
		})
	}
}

// TestSnapshotOfABusyBoard takes the snapshot of a busy board with the
// default config (full rings wrapped around, several marking lists per
// unit) in the middle of its log and continues it.
func TestSnapshotOfABusyBoard(t *testing.T) {
	l := newLoad(40)
	original := dt.Must(board.New(opID, board.Config{}))
	for _, env := range l.setUp() {
		original.Fold(env)
	}
	buf := make([]projections.Envelope, 6000)
	l.next(buf)
	for _, env := range buf {
		original.Fold(env)
	}
	restored := roundTrip(t, original)
	assertSameBoard(t, "after 6000 events", original, restored)
	l.next(buf[:1500])
	for _, env := range buf[:1500] {
		assertSameDelta(t, env.Position, original.Apply(env), restored.Apply(env))
	}
	assertSameBoard(t, "after 7500 events", original, restored)
}

// TestSnapshotOfEveryItem cuts a log that has every kind of item and
// change the board folds — nil and empty lists, late reports, corrections
// of reports and of positions, a retraction, a relaxation, a command
// transfer in the future, a unit checked out, tasks in every state, an
// agency joining, the lifecycle to the end, events of other operations
// and of unknown types — at every event, and continues each restored
// board to the end.
func TestSnapshotOfEveryItem(t *testing.T) {
	l := everyItem()
	for cut := range len(l.envs) + 1 {
		original := dt.Must(board.New(opID, board.Config{TrackLength: 2, SignificantLength: 5, ReportLength: 2}))
		for _, env := range l.envs[:cut] {
			original.Apply(env)
		}
		restored := roundTrip(t, original)
		assertSameBoard(t, fmt.Sprintf("cut %d", cut), original, restored)
		for _, env := range l.envs[cut:] {
			assertSameDelta(t, env.Position, original.Apply(env), restored.Apply(env))
		}
		assertSameBoard(t, fmt.Sprintf("cut %d, at the end", cut), original, restored)
	}
}

func everyItem() *eventLog {
	group, seat := dt.OrgUnit(1), dt.Position(1)
	thirdUnit := dt.Unit(3)
	window := dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))
	basis := []domain.LegalRef{dt.Must(domain.NewLegalRef("CISA", "Art. 41"))}
	late := positioned(12, partnerUnit, mark(partner, marking.TLPGreen, nil), 48.0)
	positionFix := positioned(14, partnerUnit, mark(partner, marking.TLPAmber, ids(lead)), 48.3)
	positionFix.Corrects = dt.Report(11)
	l := running().add(
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 1, Period: window},
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 2, Objectives: []string{},
			Period: dt.Must(domain.NewPeriod(dt.At(time.Hour), dt.At(2*time.Hour)))},
		&operation.ObjectiveAdded{OperationID: opID, OperationalPeriod: 2, Number: 1, Text: "debrief"},
		&operation.OrgUnitAdded{OperationID: opID, OrgUnitID: group, Kind: operation.KindGroup, Name: "Bridges"},
		&operation.PositionEstablished{OperationID: opID, PositionID: seat, OrgUnitID: group, Title: "Commander DE", CommandSeatOf: lead},
		&operation.PositionFilled{OperationID: opID, PositionID: seat, Holder: dt.PersonRef(11, 1), EffectiveAt: dt.T0()},
		&operation.CommandTransferred{OperationID: opID, PositionID: seat, From: dt.PersonRef(11, 1), To: dt.PersonRef(12, 1),
			BriefingRef: "BRF-7", EffectiveAt: dt.At(90 * time.Minute)},
		&operation.SpanOfControlExceeded{OperationID: opID, OrgUnitID: group, Span: 8, Limit: 7},
		&operation.ResourceAssigned{OperationID: opID, UnitID: leadUnit, OrgUnitID: group},
		&operation.ResourceStatusChanged{OperationID: opID, UnitID: partnerUnit, Status: operation.StatusOutOfService, Reason: "flat tyre"},
		&operation.ResourceCheckedIn{OperationID: opID, UnitID: thirdUnit, Agency: third, Kind: operation.ResourceVehicle, CallSign: "Falke 3"},
		&operation.ResourceCheckedOut{OperationID: opID, UnitID: thirdUnit},
		&task.Issued{TaskID: dt.Task(1), OperationID: opID, UnitID: leadUnit, IssuedBy: lead, Revision: 1,
			Terms: task.Terms{Objective: "Watch the bridge", Area: area, Window: window, Constraints: []string{}, LegalBasis: basis}},
		&task.Acknowledged{TaskID: dt.Task(1), UnitID: leadUnit, Revision: 1},
		&task.Amended{TaskID: dt.Task(1), Revision: 2, Reason: "moved", Terms: task.Terms{Objective: "Watch the ferry", Window: window}},
		&task.Issued{TaskID: dt.Task(2), OperationID: opID, UnitID: partnerUnit, IssuedBy: lead, Revision: 1,
			Terms: task.Terms{Objective: "Check", Window: window}},
		&task.Completed{TaskID: dt.Task(2), Outcome: "done"},
		&task.Issued{TaskID: dt.Task(3), OperationID: opID, UnitID: partnerUnit, IssuedBy: lead, Revision: 1,
			Terms: task.Terms{Objective: "Check again", Window: window}},
		&task.Cancelled{TaskID: dt.Task(3), Reason: "no longer needed"},
		&task.Acknowledged{TaskID: dt.Task(9), UnitID: leadUnit, Revision: 1}, // of a task never issued here
		&operation.AreaChanged{OperationID: opID, Area: area, ArrangementVersion: 2},
		&operation.Agreed{OperationID: opID, Agency: lead, ArrangementVersion: 2},
		&operation.LegalBasisChanged{OperationID: opID, LegalBasis: []domain.LegalRef{}, ArrangementVersion: 3},
		&operation.PeriodChanged{OperationID: opID, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(96*time.Hour))), ArrangementVersion: 4},
		positioned(10, partnerUnit, mark(partner, marking.TLPGreen, nil), 48.1),
		positioned(11, partnerUnit, mark(partner, marking.TLPGreen, nil), 48.2),
	)
	l.addLate(30*time.Minute, late) // older than the ring's points: kept in the index only
	l.addLate(20*time.Minute, observed(1, leadUnit, strict, "seen late"))
	l.add(
		positionFix,
		correctedObservation(2, 1, leadUnit, strict, "seen late, corrected"),
		observed(3, partnerUnit, mark(partner, marking.TLPRed, ids(third, joiner)), "for some"),
		retraction(4, 3, partnerUnit),
		relaxation(5, 1, leadUnit, strict, green),
		&operation.ParticipantAdded{OperationID: opID, Agency: joiner, ArrangementVersion: 5},
		&operation.Suspended{OperationID: opID, Reason: "weather"},
		&operation.Resumed{OperationID: opID},
		&operation.Activated{OperationID: dt.Operation(2)}, // of another operation
		&operation.Closed{OperationID: opID},
	)
	l.envs = append(l.envs, projections.Envelope{Position: "unknown", Stream: operation.Stream(opID), Revision: 99,
		Event: domain.Event{Type: "jointops.future.thing", RecordedAt: dt.At(time.Hour), Payload: futureThing{}}})
	return l
}

type futureThing struct{}

func (futureThing) EventType() string     { return "jointops.future.thing" }
func (futureThing) SchemaVersion() uint32 { return 1 }

// TestSnapshotBesideView: MarshalBinary only reads the board, so it may
// run beside View (the race detector watches this test).
func TestSnapshotBesideView(t *testing.T) {
	g := newGenerator(t, 1)
	g.run(120)
	b := dt.Must(board.New(opID, board.Config{TrackLength: 3}))
	for _, env := range g.log.envs {
		b.Apply(env)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			if _, err := b.MarshalBinary(); err != nil {
				errs <- err
			}
		})
	}
	for _, a := range agencies {
		wg.Go(func() { b.View(viewer(a)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("MarshalBinary: %v", err)
	}
}

func roundTrip(t *testing.T, b *board.Board) *board.Board {
	t.Helper()
	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	restored, err := board.Restore(data)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	return restored
}

// assertSameBoard compares everything a board shows: its position,
// counters and clock, every agency's View, and its snapshot's length
// (maps are written in no particular order, so the bytes may differ).
func assertSameBoard(t *testing.T, when string, want, got *board.Board) {
	t.Helper()
	if got.Operation() != want.Operation() || got.Position() != want.Position() || got.Events() != want.Events() ||
		!got.Clock().Equal(want.Clock()) || got.Clock().String() != want.Clock().String() ||
		!slices.Equal(got.Participants(), want.Participants()) ||
		got.CurrentOperationalPeriod() != want.CurrentOperationalPeriod() {
		t.Fatalf("%s: restored board at %s (%d events, clock %s), want %s (%d events, clock %s)",
			when, got.Position(), got.Events(), got.Clock(), want.Position(), want.Events(), want.Clock())
	}
	for _, a := range agencies {
		if g, w := mustJSON(t, got.View(viewer(a))), mustJSON(t, want.View(viewer(a))); g != w {
			t.Fatalf("%s, agency %s: restored view\n%s\nwant\n%s", when, a, g, w)
		}
	}
	g, err := got.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: MarshalBinary of the restored board: %v", when, err)
	}
	w, err := want.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: MarshalBinary: %v", when, err)
	}
	if len(g) != len(w) {
		t.Fatalf("%s: the restored board's snapshot has %d bytes, the original's %d", when, len(g), len(w))
	}
}

// assertSameDelta compares two deltas of one event: position, clock,
// changes with whether each is for all participants, and the delta as
// every agency sees it.
func assertSameDelta(t *testing.T, position string, want, got board.Delta) {
	t.Helper()
	if got.Position != want.Position || !got.At.Equal(want.At) || len(got.Changes) != len(want.Changes) {
		t.Fatalf("position %s: restored delta at %s (%s) with %d changes, want %s (%s) with %d",
			position, got.Position, got.At, len(got.Changes), want.Position, want.At, len(want.Changes))
	}
	for i := range want.Changes {
		if got.Changes[i].Audience.AllParticipants() != want.Changes[i].Audience.AllParticipants() {
			t.Fatalf("position %s, change %d: restored audience for all participants %t, want %t",
				position, i, got.Changes[i].Audience.AllParticipants(), want.Changes[i].Audience.AllParticipants())
		}
	}
	if g, w := mustJSON(t, got.Changes), mustJSON(t, want.Changes); g != w {
		t.Fatalf("position %s: restored changes\n%s\nwant\n%s", position, g, w)
	}
	for _, a := range agencies {
		if g, w := mustJSON(t, got.For(viewer(a))), mustJSON(t, want.For(viewer(a))); g != w {
			t.Fatalf("position %s, agency %s: restored delta\n%s\nwant\n%s", position, a, g, w)
		}
	}
}

func TestRestoreRejects(t *testing.T) {
	data := snapshotOf(t, running().add(
		observed(1, leadUnit, mark(lead, marking.TLPAmberStrict, nil), "sighting"),
		positioned(2, partnerUnit, mark(partner, marking.TLPGreen, nil), 48.1),
	))
	router, err := projections.NewRouter().MarshalBinary()
	if err != nil {
		t.Fatalf("Router.MarshalBinary: %v", err)
	}
	router[0] = data[0] // another read model's snapshot in the board's format version
	newer := slices.Clone(data)
	newer[0]++ // the format version, a one-byte uvarint
	older := slices.Clone(data)
	older[0] = 2 // before the windows of reports: every report kept
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{name: "nothing", data: nil, want: projections.ErrSnapshotCorrupt},
		{name: "a newer format version", data: newer, want: projections.ErrSnapshotVersion},
		{name: "format version 2", data: older, want: projections.ErrSnapshotVersion},
		{name: "a router's snapshot", data: router, want: projections.ErrSnapshotCorrupt},
		{name: "a body the decoder does not consume", data: board.SealSnapshot(append(board.SnapshotBody(data), 0)), want: projections.ErrSnapshotCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := board.Restore(tt.data); !errors.Is(err, tt.want) || b != nil {
				t.Errorf("Restore = %v, %v; want nil, %v", b, err, tt.want)
			}
		})
	}
	t.Run("every truncation", func(t *testing.T) {
		for n := range len(data) {
			if _, err := board.Restore(data[:n]); !errors.Is(err, projections.ErrSnapshotCorrupt) {
				t.Fatalf("Restore of the first %d of %d bytes = %v, want ErrSnapshotCorrupt", n, len(data), err)
			}
		}
	})
	t.Run("every flipped byte", func(t *testing.T) {
		for i := 1; i < len(data); i++ {
			damaged := slices.Clone(data)
			damaged[i] ^= 0x41
			if _, err := board.Restore(damaged); !errors.Is(err, projections.ErrSnapshotCorrupt) {
				t.Fatalf("Restore with byte %d of %d damaged = %v, want ErrSnapshotCorrupt", i, len(data), err)
			}
		}
	})
}

func snapshotOf(t testing.TB, l *eventLog) []byte {
	t.Helper()
	b := dt.Must(board.New(opID, board.Config{TrackLength: 2}))
	for _, env := range l.envs {
		b.Fold(env)
	}
	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return data
}

// FuzzRestore feeds the decoder arbitrary bodies behind a valid checksum
// (a damaged snapshot is caught by the checksum before). Restore must
// return a board or an error wrapping ErrSnapshotCorrupt, never panic; a
// board it returns must be usable: it shows views, folds more events, and
// its own snapshot restores.
func FuzzRestore(f *testing.F) {
	var more []projections.Envelope
	for seed := range uint64(3) {
		g := newGenerator(f, seed)
		g.run(60)
		cut := len(g.log.envs) / 2
		b := dt.Must(board.New(opID, board.Config{TrackLength: 2, SignificantLength: 3, ReportLength: 3}))
		for _, env := range g.log.envs[:cut] {
			b.Fold(env)
		}
		data, err := b.MarshalBinary()
		if err != nil {
			f.Fatalf("MarshalBinary: %v", err)
		}
		f.Add(board.SnapshotBody(data))
		if seed == 0 {
			more = g.log.envs[cut:]
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := board.Restore(board.SealSnapshot(body))
		if err != nil {
			if !errors.Is(err, projections.ErrSnapshotCorrupt) {
				t.Fatalf("Restore = %v, want an error wrapping ErrSnapshotCorrupt", err)
			}
			return
		}
		for _, env := range more {
			d := b.Apply(env)
			for _, a := range agencies {
				d.For(viewer(a))
			}
		}
		for _, a := range agencies {
			b.View(viewer(a))
		}
		data, err := b.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary of a restored board: %v", err)
		}
		if _, err := board.Restore(data); err != nil {
			t.Fatalf("Restore of a restored board's snapshot: %v", err)
		}
	})
}
