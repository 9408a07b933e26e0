package eventlog_test

import (
	"bytes"
	"database/sql"
	"errors"
	"log/slog"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

// snapshotStore is a Snapshots store under test with what the contract
// needs to reach behind its port: reopening it and damaging a snapshot.
type snapshotStore struct {
	commands.Snapshots
	reopen  func(t *testing.T) commands.Snapshots
	corrupt func(t *testing.T, stream string, version uint64)
}

// snapshotsContract is what every commands.Snapshots must do.
func snapshotsContract(t *testing.T, open func(t *testing.T, keep int) snapshotStore) {
	const stream, other = "operation-1", "operation-2"
	ctx := t.Context()
	save := func(t *testing.T, s commands.Snapshots, stream string, version uint64, data string) {
		t.Helper()
		if err := s.Save(ctx, stream, commands.Snapshot{Version: version, Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(t *testing.T, s commands.Snapshots, stream string, max uint64, version uint64, data string) {
		t.Helper()
		got, ok, err := s.Load(ctx, stream, max)
		switch {
		case err != nil:
			t.Fatalf("Load(%s, ≤ %d): %v", stream, max, err)
		case version == 0 && ok:
			t.Fatalf("Load(%s, ≤ %d) = version %d, want none", stream, max, got.Version)
		case version != 0 && (!ok || got.Version != version || string(got.Data) != data):
			t.Fatalf("Load(%s, ≤ %d) = version %d %q (found %v), want %d %q", stream, max, got.Version, got.Data, ok, version, data)
		}
	}
	tests := []struct {
		name string
		keep int
		run  func(t *testing.T, s snapshotStore)
	}{
		{"nothing saved", 2, func(t *testing.T, s snapshotStore) {
			expect(t, s, stream, math.MaxUint64, 0, "")
		}},
		{"save then load", 2, func(t *testing.T, s snapshotStore) {
			save(t, s, stream, 5, "five")
			expect(t, s, stream, math.MaxUint64, 5, "five")
		}},
		{"the latest at most max", 3, func(t *testing.T, s snapshotStore) {
			save(t, s, stream, 10, "ten")
			save(t, s, stream, 5, "five")
			expect(t, s, stream, math.MaxUint64, 10, "ten")
			expect(t, s, stream, 10, 10, "ten")
			expect(t, s, stream, 9, 5, "five")
			expect(t, s, stream, 4, 0, "")
		}},
		{"a save at the same version overwrites", 2, func(t *testing.T, s snapshotStore) {
			save(t, s, stream, 5, "old")
			save(t, s, stream, 5, "new")
			expect(t, s, stream, math.MaxUint64, 5, "new")
			expect(t, s, stream, 4, 0, "")
		}},
		{"streams are apart", 2, func(t *testing.T, s snapshotStore) {
			save(t, s, stream, 5, "mine")
			save(t, s, other, 7, "theirs")
			expect(t, s, stream, math.MaxUint64, 5, "mine")
			expect(t, s, other, math.MaxUint64, 7, "theirs")
		}},
		{"only the latest few are kept", 2, func(t *testing.T, s snapshotStore) {
			for v, d := range []string{"one", "two", "three", "four"} {
				save(t, s, stream, uint64(v+1), d)
			}
			save(t, s, other, 1, "other one")
			expect(t, s, stream, math.MaxUint64, 4, "four")
			expect(t, s, stream, 3, 3, "three")
			expect(t, s, stream, 2, 0, "")
			expect(t, s, other, math.MaxUint64, 1, "other one")
		}},
		{"version 0 is refused", 2, func(t *testing.T, s snapshotStore) {
			if err := s.Save(ctx, stream, commands.Snapshot{Version: 0, Data: []byte("x")}); err == nil {
				t.Fatal("a snapshot at version 0 was saved")
			}
		}},
		{"a corrupt snapshot is passed over", 2, func(t *testing.T, s snapshotStore) {
			save(t, s, stream, 5, "five")
			save(t, s, stream, 10, "ten")
			s.corrupt(t, stream, 10)
			expect(t, s, stream, math.MaxUint64, 5, "five")
			s.corrupt(t, stream, 5)
			expect(t, s, stream, math.MaxUint64, 0, "")
		}},
		{"durable", 2, func(t *testing.T, s snapshotStore) {
			big := strings.Repeat("state ", 200_000)
			save(t, s, stream, 5, big)
			expect(t, s.reopen(t), stream, math.MaxUint64, 5, big)
		}},
		{"concurrent saves and loads", 2, func(t *testing.T, s snapshotStore) {
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for v := range uint64(20) {
						if err := s.Save(ctx, stream, commands.Snapshot{Version: v + 1, Data: []byte{byte(w)}}); err != nil {
							t.Error(err)
						}
						if _, _, err := s.Load(ctx, stream, math.MaxUint64); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			if got, ok, err := s.Load(ctx, stream, math.MaxUint64); err != nil || !ok || got.Version != 20 {
				t.Fatalf("after the race: version %d (%v, %v), want 20", got.Version, ok, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t, tt.keep)) })
	}
}

func TestSQLiteSnapshots(t *testing.T) {
	snapshotsContract(t, func(t *testing.T, keep int) snapshotStore {
		path := filepath.Join(t.TempDir(), "snapshots.db")
		open := func(t *testing.T) *eventlog.Snapshots {
			s, err := eventlog.OpenSnapshots(t.Context(), eventlog.SnapshotsConfig{Path: path, Keep: keep})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		s := open(t)
		return snapshotStore{
			Snapshots: s,
			reopen: func(t *testing.T) commands.Snapshots {
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				return open(t)
			},
			corrupt: func(t *testing.T, stream string, version uint64) {
				// Flip a byte of the data behind the store's back, as a bad
				// disk sector or a stray write would.
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				res, err := db.ExecContext(t.Context(), `UPDATE snapshots SET data = CAST(upper(CAST(data AS TEXT)) AS BLOB)
					WHERE stream = ? AND version = ?`, stream, int64(version))
				if err != nil {
					t.Fatal(err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					t.Fatalf("corrupted %d snapshots, want 1", n)
				}
			},
		}
	})
}

func TestSQLiteSnapshotsLogCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshots.db")
	var logs bytes.Buffer
	s, err := eventlog.OpenSnapshots(t.Context(), eventlog.SnapshotsConfig{Path: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Save(t.Context(), "task-1", commands.Snapshot{Version: 3, Data: []byte("three")}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), `UPDATE snapshots SET data = X'00'`); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Load(t.Context(), "task-1", math.MaxUint64); ok || err != nil {
		t.Fatalf("Load of a corrupt snapshot: found %v, %v", ok, err)
	}
	if !strings.Contains(logs.String(), "stream=task-1 version=3") {
		t.Fatalf("log %q does not name the corrupt snapshot", logs.String())
	}
}

func TestSnapshotsConfig(t *testing.T) {
	if _, err := eventlog.OpenSnapshots(t.Context(), eventlog.SnapshotsConfig{Keep: -1}); err == nil ||
		!strings.Contains(err.Error(), "path") || !strings.Contains(err.Error(), "keep") {
		t.Fatalf("OpenSnapshots with no path and keep -1: %v, want both problems", err)
	}
}

// handlersWith returns command handlers on e's files that snapshot into
// snaps every events, as a fresh process would start them.
func handlersWith(t *testing.T, e *env, snaps commands.Snapshots, every int) *commands.Handlers {
	t.Helper()
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	h, err := commands.New(commands.Config{
		Log: eventlog.NewLog(e.store, codec), Outcomes: e.outcomes, Clock: func() time.Time { return now },
		Snapshots: snaps, SnapshotEvery: every,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHandlersRestoreFromSnapshotsAfterRestart(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	snaps, err := eventlog.OpenSnapshots(ctx, eventlog.SnapshotsConfig{Path: filepath.Join(e.dir, "snapshots.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer snaps.Close()
	e.h = handlersWith(t, e, snaps, 3)
	e.activeOperation(t)
	checkIn(t, e, partnerCmdr, 7, partner)
	change := commands.ResourceChange{OperationCommand: opCmd(), Unit: dt.Unit(7), Reason: "flat tyre"}
	for range 5 {
		if _, err := e.h.MarkResourceOutOfService(ctx, partnerCmdr, cmdID(), change); err != nil {
			t.Fatal(err)
		}
		if _, err := e.h.MarkResourceAvailable(ctx, partnerCmdr, cmdID(), change); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	stream := operation.Stream(opID)
	snap, ok, err := snaps.Load(ctx, stream, math.MaxUint64)
	if err != nil || !ok || snap.Version < 12 {
		t.Fatalf("latest snapshot of the operation: version %d (%v, %v), want at least 12 of 15", snap.Version, ok, err)
	}

	// A fresh process restores the operation from its snapshot: it reads
	// as one folded from the start, and decides alike.
	restarted := handlersWith(t, e, snaps, 3)
	defer restarted.Close(ctx)
	folded := handlersWith(t, e, nil, 3)
	got, err := restarted.Operation(ctx, leadCommander, opID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := folded.Operation(ctx, leadCommander, opID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.Version != 15 {
		t.Fatalf("restored operation\n%+v\nfolded from the start\n%+v", got, want)
	}
	if _, err := restarted.MarkResourceAvailable(ctx, partnerCmdr, cmdID(), change); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("marking an available resource available: %v, want a rejection", err)
	}
	acc, err := restarted.MarkResourceOutOfService(ctx, partnerCmdr, cmdID(), change)
	if err != nil || acc.Revision != 15 {
		t.Fatalf("out of service after the restart: %+v, %v; want revision 15", acc, err)
	}
	rep, err := eventstore.Verify(ctx, e.store)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Broken, err)
	}
}
