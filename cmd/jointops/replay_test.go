package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

// replayRecorder is a faithful fake of the command side's history access
// recording: it keeps the reads, or refuses them all.
type replayRecorder struct {
	mu    sync.Mutex
	reads []httpapi.HistoryRead
	by    []app.Principal
	fail  error
}

func (r *replayRecorder) RecordHistoryRead(_ context.Context, p app.Principal, read httpapi.HistoryRead) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.reads, r.by = append(r.reads, read), append(r.by, p)
	return nil
}

func (r *replayRecorder) open(context.Context, config.Config, eventstore.Store, *eventlog.Codec, *slog.Logger) (httpapi.HistoryRecorder, func() error, error) {
	return r, func() error { return nil }, nil
}

// The replay scenario: agencies rA (DE, lead), rB (FR), rC (NL) run
// replayOp; rOut (FR) takes no part. rA's unit reports a RED position
// releasable to rB only.
var (
	replayOp = uuid.MustParse("0e100000-0000-4000-8000-000000000001")
	rA       = uuid.MustParse("a2000000-0000-4000-8000-000000000001")
	rB       = uuid.MustParse("a2000000-0000-4000-8000-000000000002")
	rC       = uuid.MustParse("a2000000-0000-4000-8000-000000000003")
	rOut     = uuid.MustParse("a2000000-0000-4000-8000-000000000004")
	rUnit    = uuid.MustParse("2c000000-0000-4000-8000-000000000001")
	rReport  = uuid.MustParse("9a000000-0000-4000-8000-000000000001")
)

func id[T any](t testing.TB, newID func(uuid.UUID) (T, error), u uuid.UUID) T {
	t.Helper()
	v, err := newID(u)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustT returns v, panicking on err: for fixtures that cannot fail.
func mustT[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// replayLog writes the scenario to the SQLite log of dataDir and returns
// the positions of the events, in order; the RED report is the last.
func replayLog(t *testing.T, dataDir string) []string {
	t.Helper()
	ctx := context.Background()
	store := mustT(sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dataDir, "events.db"), Logger: slog.New(slog.DiscardHandler)}))
	defer store.Close()
	codec := mustT(eventlog.NewCodec())
	op := id(t, domain.NewOperationID, replayOp)
	a, b, c := id(t, domain.NewAgencyID, rA), id(t, domain.NewAgencyID, rB), id(t, domain.NewAgencyID, rC)
	state := func(s string) domain.StateCode { return mustT(domain.ParseStateCode(s)) }
	red := mustT(marking.New(marking.Spec{Originator: a, TLP: marking.TLPRed,
		ReleasableTo: mustT(marking.NewRecipients([]domain.AgencyID{a, b}, nil)), Evaluation: mustT(marking.ParseEvaluation("B2"))}))
	payloads := []domain.Payload{
		&agency.Registered{AgencyID: a, State: state("DE"), Name: "Bundespolizei", Kind: agency.KindPolice},
		&agency.Registered{AgencyID: b, State: state("FR"), Name: "Police nationale", Kind: agency.KindPolice},
		&agency.Registered{AgencyID: c, State: state("NL"), Name: "Koninklijke Marechaussee", Kind: agency.KindPolice},
		&agency.Registered{AgencyID: id(t, domain.NewAgencyID, rOut), State: state("FR"), Name: "Douane", Kind: agency.KindCustoms},
		&operation.Proposed{OperationID: op, Purpose: "Joint patrol Rhine", Lead: a, Participants: []domain.AgencyID{a, b, c},
			HostStates: []domain.StateCode{state("DE")}, ArrangementVersion: 1,
			Area:   mustT(geo.NewPolygon(orb.Polygon{{{6, 47}, {8, 47}, {8, 49}, {6, 49}, {6, 47}}})),
			Period: mustT(domain.NewPeriod(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)))},
		&operation.Activated{OperationID: op},
		&operation.ResourceCheckedIn{OperationID: op, UnitID: id(t, domain.NewUnitID, rUnit), Agency: a, Kind: operation.ResourceUnit, CallSign: "DE-1", Personnel: 2},
		&fieldlog.PositionReported{
			Header:   fieldlog.Header{ReportID: id(t, domain.NewReportID, rReport), OperationID: op, UnitID: id(t, domain.NewUnitID, rUnit), Marking: red},
			Position: fieldlog.Position{Point: mustT(geo.NewPoint(48.5, 7.5)), Source: fieldlog.SourceGPS}},
	}
	at := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	var positions []string
	for i, p := range payloads {
		at = at.Add(time.Minute)
		stream := operation.Stream(projections.PayloadOperation(p))
		switch e := p.(type) {
		case *agency.Registered:
			stream = agency.Stream(e.AgencyID)
		case fieldlog.Report:
			stream = fieldlog.Stream(op, e.Head().UnitID)
		}
		ev := domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: at, RecordedAt: at, Actor: domain.Actor{Agency: a}, Payload: p}
		data := mustT(codec.Encode(uuid.NewSHA1(replayOp, []byte{byte(i)}), ev, eventlog.Envelope{CommandID: uuid.New()}))
		res := mustT(store.Append(ctx, stream, eventstore.Any(), data))
		positions = append(positions, res.Position.String())
	}
	return positions
}

// replayToken writes a token of agency with role to a file and returns
// its path; the key is the data dir's, as `token issue` makes it.
func replayToken(t *testing.T, dataDir string, agency uuid.UUID, role app.Role) string {
	t.Helper()
	key, _, err := auth.LoadOrCreateKey(filepath.Join(dataDir, "keys", "token-signing.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tok := mustT(auth.Sign(key, auth.Claims{Agency: agency.String(), Subject: uuid.NewString(), Role: auth.Role(role),
		IssuedAt: time.Now().Add(-time.Minute), ExpiresAt: time.Now().Add(time.Hour), ID: uuid.NewString()}))
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReplay(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	positions := replayLog(t, dir)
	secret := positions[len(positions)-1]
	before := positions[len(positions)-2]
	rec := &replayRecorder{}
	cmd := replayCommand{recorder: rec.open, stdin: strings.NewReader(""), now: time.Now}
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := cmd.run(context.Background(), append([]string{"--data-dir", dir, "--log-level", "error"}, args...), &out, &errOut)
		return out.String(), err
	}
	tracks := func(t *testing.T, out string) int {
		t.Helper()
		var v replayOut
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return len(v.Board.Tracks)
	}
	investigatorB := replayToken(t, dir, rB, app.RoleInvestigator)
	t.Run("as a named recipient, at the report", func(t *testing.T) {
		out, err := run("--operation", replayOp.String(), "--as-of", secret, "--token", investigatorB, "--purpose", "case 17", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		if n := tracks(t, out); n != 1 {
			t.Fatalf("%d tracks, want the RED report's", n)
		}
		last := rec.reads[len(rec.reads)-1]
		if last.Purpose != "case 17" || last.What != "board_as_of" || last.Parameters["as_of"] != secret || rec.by[len(rec.by)-1].Agency.String() != rB.String() {
			t.Fatalf("recorded %+v by %+v", last, rec.by[len(rec.by)-1])
		}
	})
	t.Run("before the report", func(t *testing.T) {
		out, err := run("--operation", replayOp.String(), "--as-of", before, "--token", investigatorB, "--purpose", "case 17", "--format", "json")
		if err != nil || tracks(t, out) != 0 {
			t.Fatalf("%v: %s", err, out)
		}
	})
	t.Run("an admin as an agency that may not see it", func(t *testing.T) {
		out, err := run("--operation", replayOp.String(), "--as-of", secret, "--as-agency", rC.String(),
			"--token", replayToken(t, dir, rA, app.RoleAdmin), "--purpose", "oversight", "--format", "json")
		if err != nil || tracks(t, out) != 0 {
			t.Fatalf("%v: %s", err, out)
		}
	})
	t.Run("by time, as text", func(t *testing.T) {
		out, err := run("--operation", replayOp.String(), "--as-of-time", "2026-01-02T08:30:00Z", "--token", investigatorB, "--purpose", "case 17")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Operation " + replayOp.String(), "as seen by agency " + rB.String(), "Units (1):", "DE-1", "48.50000,7.50000", "Joint patrol Rhine"} {
			if !strings.Contains(out, want) {
				t.Errorf("the summary lacks %q:\n%s", want, out)
			}
		}
	})
	refusals := []struct {
		name string
		args []string
		code int
	}{
		{"an observer", []string{"--as-of", secret, "--token", replayToken(t, dir, rB, app.RoleObserver)}, 1},
		{"an investigator as another agency", []string{"--as-of", secret, "--as-agency", rA.String(), "--token", investigatorB}, 1},
		{"an agency that took no part", []string{"--as-of", secret, "--token", replayToken(t, dir, rOut, app.RoleInvestigator)}, 1},
		{"no token", []string{"--as-of", secret}, 2},
		{"a token of another key", []string{"--as-of", secret, "--token", replayToken(t, t.TempDir(), rB, app.RoleInvestigator)}, 2},
		{"both --as-of and --as-of-time", []string{"--as-of", secret, "--as-of-time", "2026-01-02T08:30:00Z", "--token", investigatorB}, 2},
		{"--time with --as-of", []string{"--as-of", secret, "--time", "occurred", "--token", investigatorB}, 2},
		{"an unknown format", []string{"--as-of", secret, "--format", "yaml", "--token", investigatorB}, 2},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			n := len(rec.reads)
			args := append([]string{"--operation", replayOp.String(), "--purpose", "x"}, tt.args...)
			out, err := run(args...)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != tt.code {
				t.Fatalf("got %v (%s), want exit code %d", err, out, tt.code)
			}
			if len(rec.reads) != n {
				t.Fatal("a refused replay was recorded")
			}
		})
	}
	t.Run("no purpose", func(t *testing.T) {
		_, err := run("--operation", replayOp.String(), "--as-of", secret, "--token", investigatorB)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "--purpose") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a replay that cannot be recorded is refused", func(t *testing.T) {
		rec.fail = errors.New("audit stream unavailable")
		defer func() { rec.fail = nil }()
		out, err := run("--operation", replayOp.String(), "--as-of", secret, "--token", investigatorB, "--purpose", "case 17")
		if err == nil || out != "" {
			t.Fatalf("served an unrecorded read: %v %q", err, out)
		}
	})
}

// With the server's saved index in the projections file, replay restores
// it and folds only the log after it.
func TestReplayRestoresTheServersIndex(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	positions := replayLog(t, dir)
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	store := mustT(sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db"), Logger: quiet}))
	codec := mustT(eventlog.NewCodec())
	h := mustT(history.New(history.Config{Reader: store, Decoder: codec, Logger: quiet}))
	runner := mustT(projector.New(ctx, projector.Config{Store: store, Decoder: codec, CheckpointPath: filepath.Join(dir, "projections.db"), Logger: quiet}, h.Projection()))
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	// Live, the runner has saved the index (it saves at the switch).
	for head, ok := h.Head(); !ok || head.String() != positions[len(positions)-1] || runner.Status()[0].Phase != projector.PhaseLive; head, ok = h.Head() {
		if time.Now().After(deadline) {
			t.Fatal("the runner did not catch up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := runner.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	store.Close()

	cfg := config.Config{DataDir: dir}
	cfg.SetDefaults()
	cfg.DataDir = dir
	loaded := mustT(openStore(ctx, cfg, quiet))
	defer loaded.Close()
	cps := mustT(projector.OpenCheckpointStore(ctx, cfg.ProjectionsPath(), quiet))
	if saved := mustT(cps.LoadCheckpoint(ctx, history.Name)); saved.Position != positions[len(positions)-1] || len(saved.Parts) == 0 {
		t.Fatalf("the runner saved the index at %q with %d parts", saved.Position, len(saved.Parts))
	}
	_ = cps.Close()
	restored := mustT(loadHistory(ctx, cfg, loaded, codec, quiet))
	if head, ok := restored.Head(); !ok || head.String() != positions[len(positions)-1] {
		t.Fatalf("restored index at %v", head)
	}
	fr := mustT(restored.FrameAt(ctx, id(t, domain.NewOperationID, replayOp), eventstore.End))
	if fr.Events() != 4 {
		t.Fatalf("%d events of the operation, want 4", fr.Events())
	}
}

// The real command: the read is recorded in the operation's audit stream
// by the command handlers opened on the store.
func TestReplayRecordsTheAccessInTheLog(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	positions := replayLog(t, dir)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"replay", "--data-dir", dir, "--log-level", "error",
		"--operation", replayOp.String(), "--as-of", positions[len(positions)-1],
		"--token", replayToken(t, dir, rB, app.RoleInvestigator), "--purpose", "case 17"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	ctx := context.Background()
	store := mustT(sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db"), Logger: slog.New(slog.DiscardHandler)}))
	defer store.Close()
	recorded, err := store.ReadStream(ctx, "audit-"+replayOp.String(), eventstore.Forwards, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded) != 1 || !strings.Contains(string(recorded[0].Data), "case 17") {
		t.Fatalf("audit stream holds %d events", len(recorded))
	}
}
