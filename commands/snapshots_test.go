package commands

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
)

// memSnapshots is an in-memory Snapshots. Save may be held up (hold) or
// made to fail (failSave); Load may be made to fail (failLoad).
type memSnapshots struct {
	mu       sync.Mutex
	streams  map[string][]Snapshot // by version, ascending
	saves    int
	hold     chan struct{} // when set, Save waits for it to close
	failSave error
	failLoad error
}

func newMemSnapshots() *memSnapshots { return &memSnapshots{streams: make(map[string][]Snapshot)} }

func (m *memSnapshots) Load(_ context.Context, stream string, max uint64) (Snapshot, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failLoad != nil {
		return Snapshot{}, false, m.failLoad
	}
	for _, s := range slices.Backward(m.streams[stream]) {
		if s.Version <= max {
			return s, true, nil
		}
	}
	return Snapshot{}, false, nil
}

func (m *memSnapshots) Save(ctx context.Context, stream string, s Snapshot) error {
	m.mu.Lock()
	hold, fail := m.hold, m.failSave
	m.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		return fail
	}
	m.put(stream, s)
	return nil
}

// put stores s directly, as a test's setup.
func (m *memSnapshots) put(stream string, s Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saves++
	all := slices.DeleteFunc(m.streams[stream], func(o Snapshot) bool { return o.Version == s.Version })
	all = append(all, Snapshot{Version: s.Version, Data: slices.Clone(s.Data)})
	slices.SortFunc(all, func(a, b Snapshot) int { return int(a.Version) - int(b.Version) })
	m.streams[stream] = all
}

// latest returns the latest snapshot of stream.
func (m *memSnapshots) latest(stream string) (Snapshot, bool) {
	all := m.snapshots(stream)
	if len(all) == 0 {
		return Snapshot{}, false
	}
	return all[len(all)-1], true
}

func (m *memSnapshots) snapshots(stream string) []Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.streams[stream])
}

// logBuffer is a log sink the handlers and the test share.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withSnapshots makes handlers take snapshots in store every events, and
// log into logs.
func withSnapshots(store Snapshots, every int, logs *logBuffer) func(*Config) {
	return func(c *Config) {
		c.Snapshots, c.SnapshotEvery = store, every
		if logs != nil {
			c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
}

// closeHandlers waits for h's snapshot saves.
func closeHandlers(t *testing.T, h *Handlers) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// operationSnapshot is a valid snapshot of the test operation after it was
// proposed (one event), for tests that store snapshots themselves.
func operationSnapshot(t *testing.T) []byte {
	t.Helper()
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(t.Context(), lead, newCmd(), testProposal()))
	o := operation.New(testOp)
	if _, err := log.Load(t.Context(), operation.Stream(testOp), 0, o.Replay); err != nil {
		t.Fatal(err)
	}
	return dt.Must(o.Snapshot())
}

func TestLoadedAggregatesAreSnapshottedAndRestored(t *testing.T) {
	log, outcomes, store := newMemLog(), newMemOutcomes(), newMemSnapshots()
	ctx := t.Context()
	h := newTestHandlers(t, log, outcomes, withSnapshots(store, 2, nil))
	activate(t, h) // 4 events: the third one is more than 2 past no snapshot
	for i := range 5 {
		must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, uint64(i+1), agency2)))
	}
	closeHandlers(t, h)
	opStream, unitStream := operation.Stream(testOp), fieldlog.Stream(testOp, dt.Unit(7))
	opSnap, ok := store.latest(opStream)
	if !ok || opSnap.Version < 3 || opSnap.Version > 4 {
		t.Fatalf("operation snapshot at version %d (%v), want 3 or 4", opSnap.Version, ok)
	}
	unitSnaps := store.snapshots(unitStream)
	if len(unitSnaps) == 0 || unitSnaps[0].Version < 3 {
		t.Fatalf("unit log snapshots %v: want one at version 3 or later", unitSnaps)
	}

	// Another process: its cold aggregates are restored and fold only the
	// tail, reading from the snapshot's last event on.
	h2 := newTestHandlers(t, log, outcomes, withSnapshots(store, 2, nil))
	defer closeHandlers(t, h2)
	view, err := h2.Operation(ctx, lead, testOp)
	if err != nil {
		t.Fatal(err)
	}
	if view.Version != 4 || view.Status != operation.StatusActive || len(view.Participants) != 2 {
		t.Fatalf("restored operation = %+v", view)
	}
	if froms := log.loadsFrom(opStream); froms[len(froms)-1] != opSnap.Version-1 {
		t.Fatalf("the restored operation read its stream from %d, want %d", froms[len(froms)-1], opSnap.Version-1)
	}
	// The restored unit log still knows the reports before its snapshot.
	unitSnap, _ := store.latest(unitStream)
	if _, err := h2.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 1, agency2)); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("a report ID used before the snapshot: err = %v, want ErrRejected", err)
	}
	if froms := log.loadsFrom(unitStream); !slices.Contains(froms, unitSnap.Version-1) {
		t.Fatalf("the unit log was read from %v, want from %d", froms, unitSnap.Version-1)
	}
	acc := must(t)(h2.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 6, agency2)))
	if acc.Revision != 5 {
		t.Fatalf("next report at revision %d, want 5", acc.Revision)
	}
}

func TestUnusableSnapshotsAreIgnored(t *testing.T) {
	good := operationSnapshot(t)
	tests := []struct {
		name  string
		snap  Snapshot
		fail  error
		wants string // in the log
	}{
		{"corrupt", Snapshot{Version: 1, Data: []byte("\x00garbage")}, nil, "snapshot ignored"},
		{"unknown format", Snapshot{Version: 1, Data: bytes.Replace(good, []byte(`"format":1`), []byte(`"format":99`), 1)}, nil, "snapshot ignored"},
		{"of another aggregate", Snapshot{Version: 1, Data: bytes.Replace(good, []byte(testOp.String()), []byte(dt.Operation(2).String()), 1)}, nil, "snapshot ignored"},
		{"ahead of the log", Snapshot{Version: 40, Data: good}, nil, "folding the stream from its first event"},
		{"store failing", Snapshot{Version: 1, Data: good}, errors.New("disk on fire"), "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, outcomes, store := newMemLog(), newMemOutcomes(), newMemSnapshots()
			activate(t, newTestHandlers(t, log, outcomes, nil))
			store.put(operation.Stream(testOp), tt.snap)
			store.failLoad = tt.fail
			logs := &logBuffer{}
			h := newTestHandlers(t, log, outcomes, withSnapshots(store, 1000, logs))
			defer closeHandlers(t, h)

			view, err := h.Operation(t.Context(), lead, testOp)
			if err != nil {
				t.Fatal(err)
			}
			if view.Version != 4 || view.Status != operation.StatusActive {
				t.Fatalf("operation = version %d, %s; want 4, active", view.Version, view.Status)
			}
			if froms := log.loadsFrom(operation.Stream(testOp)); froms[len(froms)-1] != 0 {
				t.Fatalf("read from %v, want the last read from 0", froms)
			}
			if !strings.Contains(logs.String(), tt.wants) {
				t.Fatalf("log %q does not say %q", logs, tt.wants)
			}
		})
	}
}

func TestCommandsDoNotWaitForSnapshots(t *testing.T) {
	log, store := newMemLog(), newMemSnapshots()
	store.hold = make(chan struct{})
	h := newTestHandlers(t, log, newMemOutcomes(), withSnapshots(store, 1, nil))
	// From the second command on, snapshots are due; none can be saved yet.
	done := make(chan error, 1)
	go func() {
		ctx, agree := t.Context(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}
		_, err := h.ProposeOperation(ctx, lead, newCmd(), testProposal())
		for _, p := range []Principal{lead, partner} {
			if err == nil {
				_, err = h.AgreeToOperation(ctx, p, newCmd(), agree)
			}
		}
		if err == nil {
			_, err = h.ActivateOperation(ctx, lead, newCmd(), onTestOp())
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("commands wait for their snapshots to be saved")
	}
	if n := len(store.snapshots(operation.Stream(testOp))); n != 0 {
		t.Fatalf("%d snapshots saved while saving is held up", n)
	}
	close(store.hold)
	closeHandlers(t, h)
	if n := len(store.snapshots(operation.Stream(testOp))); n == 0 {
		t.Fatal("no snapshot saved once saving resumed")
	}
}

func TestFailedSnapshotSavesAreLoggedAndRetriedLater(t *testing.T) {
	log, store, logs := newMemLog(), newMemSnapshots(), &logBuffer{}
	store.failSave = errors.New("disk full")
	h := newTestHandlers(t, log, newMemOutcomes(), withSnapshots(store, 2, logs))
	activate(t, h) // the snapshot due at version 3 fails
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "disk full"); {
		if time.Now().After(deadline) {
			t.Fatalf("log %q does not report the failed save", logs)
		}
		time.Sleep(time.Millisecond)
	}
	store.mu.Lock()
	store.failSave = nil
	store.mu.Unlock()
	// The next one is due more than 2 events after version 3.
	for _, a := range []domain.AgencyID{agency3, dt.Agency(4), dt.Agency(5)} {
		must(t)(h.AddParticipant(t.Context(), lead, newCmd(), Participant{OperationCommand: onTestOp(), Agency: a}))
	}
	closeHandlers(t, h)
	if s, ok := store.latest(operation.Stream(testOp)); !ok || s.Version < 6 {
		t.Fatalf("latest snapshot at version %d (%v), want one at 6 or later", s.Version, ok)
	}
}

func TestSnapshotsAfterCloseAreNotTaken(t *testing.T) {
	log, store := newMemLog(), newMemSnapshots()
	h := newTestHandlers(t, log, newMemOutcomes(), withSnapshots(store, 1, nil))
	closeHandlers(t, h)
	activate(t, h)
	closeHandlers(t, h)
	if n := len(store.snapshots(operation.Stream(testOp))); n != 0 {
		t.Fatalf("%d snapshots saved after Close", n)
	}
}
