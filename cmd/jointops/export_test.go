package main

import (
	"bytes"
	"context"
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
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/evidence"
	"github.com/jointops/jointops/infra/integrity"
)

// fakeRecorder stands in for the command side's RecordHistoryAccess.
type fakeRecorder struct {
	mu       sync.Mutex
	accesses []evidence.Access
	by       []app.Principal
}

func (f *fakeRecorder) open(_ context.Context, _ config.Config, _ eventstore.Store, _ *eventlog.Codec, _ *slog.Logger, p app.Principal) (evidence.AccessRecorder, func() error, error) {
	return recordAs{f, p}, func() error { return nil }, nil
}

type recordAs struct {
	f *fakeRecorder
	p app.Principal
}

func (r recordAs) RecordExport(_ context.Context, a evidence.Access) error {
	r.f.mu.Lock()
	defer r.f.mu.Unlock()
	r.f.accesses, r.f.by = append(r.f.accesses, a), append(r.f.by, r.p)
	return nil
}

// exportWorld writes an operation of agencies A (lead) and B through the
// codec: a GREEN and an AMBER+STRICT report of A, and a position report.
func exportWorld(t *testing.T, dir string) (op domain.OperationID, a, b domain.AgencyID, strict domain.ReportID) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	newID := func() uuid.UUID { return uuid.New() }
	op, err := domain.NewOperationID(newID())
	must(err)
	a, err = domain.NewAgencyID(newID())
	must(err)
	b, err = domain.NewAgencyID(newID())
	must(err)
	unit, err := domain.NewUnitID(newID())
	must(err)
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, "events.db")})
	must(err)
	defer st.Close()
	codec, err := eventlog.NewCodec()
	must(err)
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	put := func(stream string, p domain.Payload) {
		t.Helper()
		at = at.Add(time.Second)
		e, err := codec.Encode(uuid.New(), domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(),
			OccurredAt: at, RecordedAt: at, Actor: domain.Actor{Agency: a}, Payload: p}, eventlog.Envelope{})
		must(err)
		_, err = st.Append(t.Context(), stream, eventstore.Any(), e)
		must(err)
	}
	for i, id := range []domain.AgencyID{a, b} {
		state, err := domain.ParseStateCode([]string{"DE", "NL"}[i])
		must(err)
		put("agency-"+id.String(), &agency.Registered{AgencyID: id, State: state, Name: "agency", Kind: agency.KindPolice})
	}
	area, err := geo.NewPolygon(orb.Polygon{{{6, 50}, {7, 50}, {7, 51}, {6, 51}, {6, 50}}})
	must(err)
	period, err := domain.NewPeriod(at, at.Add(24*time.Hour))
	must(err)
	put(operation.Stream(op), &operation.Proposed{OperationID: op, Purpose: "test", Lead: a, Participants: []domain.AgencyID{b}, Area: area, Period: period})
	eval, err := marking.ParseEvaluation("B2")
	must(err)
	for _, tlp := range []marking.TLP{marking.TLPGreen, marking.TLPAmberStrict} {
		m, err := marking.New(marking.Spec{Originator: a, TLP: tlp, Evaluation: eval})
		must(err)
		id, err := domain.NewReportID(newID())
		must(err)
		strict = id
		put(fieldlog.Stream(op, unit), &fieldlog.ObservationReported{
			Header: fieldlog.Header{ReportID: id, OperationID: op, UnitID: unit, Marking: m}, Observation: fieldlog.Observation{Text: "seen"}})
	}
	green, err := marking.New(marking.Spec{Originator: a, TLP: marking.TLPGreen, Evaluation: eval})
	must(err)
	for i := range 2 {
		id, err := domain.NewReportID(newID())
		must(err)
		pt, err := geo.NewPoint(50.5+float64(i)/100, 6.5)
		must(err)
		put(fieldlog.Stream(op, unit), &fieldlog.PositionReported{Header: fieldlog.Header{ReportID: id, OperationID: op, UnitID: unit, Marking: green},
			Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}})
	}
	return op, a, b, strict
}

func issueToken(t *testing.T, dir string, agency domain.AgencyID) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "issue", "--data-dir", dir, "--agency", agency.String(),
		"--subject", uuid.NewString(), "--role", "investigator"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestExportAndVerifyBundle(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	t.Setenv("JOINTOPS_CHECKPOINT_KEY_FILE", "")
	dir := t.TempDir()
	op, a, b, strict := exportWorld(t, dir)
	token := issueToken(t, dir, a)
	rec := &fakeRecorder{}
	export := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := exportCommand{recorder: rec.open, now: time.Now}.run(t.Context(),
			append([]string{"--data-dir", dir, "--operation", op.String(), "--token", token}, args...), &out, &bytes.Buffer{})
		return out.String(), err
	}
	verify := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append([]string{"verify", "--data-dir", dir}, args...), &out, &bytes.Buffer{})
		return out.String(), err
	}

	full := filepath.Join(t.TempDir(), "full")
	if out, err := export("--out", full, "--tracks", "--purpose", "case 7"); err != nil || !strings.Contains(out, "5 events, 5 links in 2 streams, 0 withheld, 1 tracks") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if len(rec.accesses) != 1 || rec.accesses[0].Purpose != "case 7" || rec.by[0].Agency != a {
		t.Fatalf("recorded %+v by %+v", rec.accesses, rec.by)
	}
	if out, err := verify("--bundle", full); err != nil || !strings.Contains(out, "OK: bundle of operation "+op.String()+" (full)") {
		t.Fatalf("verify --bundle: %v\n%s", err, out)
	}

	forB := filepath.Join(t.TempDir(), "for-b")
	if out, err := export("--out", forB, "--as-agency", b.String(), "--purpose", "case 7"); err != nil || !strings.Contains(out, "4 events, 5 links in 2 streams, 1 withheld") {
		t.Fatalf("export for B: %v\n%s", err, out)
	}
	if events, _ := os.ReadFile(filepath.Join(forB, evidence.EventsFile)); bytes.Contains(events, []byte(strict.String())) {
		t.Fatal("the export for B carries A's AMBER+STRICT report")
	}
	if out, err := verify("--bundle", forB); err != nil || !strings.Contains(out, "as seen by "+b.String()) {
		t.Fatalf("verify --bundle of B's export: %v\n%s", err, out)
	}

	otherDir := t.TempDir()
	if err := run(t.Context(), []string{"export", "--data-dir", otherDir}, &bytes.Buffer{}, &bytes.Buffer{}); exitCode(err) != 2 {
		t.Fatalf("export without flags: %v, want exit code 2", err)
	}
	if _, err := os.Stat(filepath.Join(otherDir, "checkpoint.pub")); err == nil {
		t.Fatal("a refused export generated keys")
	}
	keys := t.TempDir()
	other := filepath.Join(keys, "other.pub")
	if _, _, err := integrity.LoadOrCreateKey(filepath.Join(keys, "other.key"), other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		args   []string
		want   string
	}{
		{"byte of events.jsonl edited", func(t *testing.T, dir string) {
			p := filepath.Join(dir, evidence.EventsFile)
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(p, bytes.Replace(b, []byte(`"seen"`), []byte(`"SEEN"`), 1), 0o600); err != nil {
				t.Fatal(err)
			}
		}, nil, "events.jsonl: SHA-256"},
		{"another key pinned", func(*testing.T, string) {}, []string{"--key", other}, "manifest.json: manifest signature does not verify: signed with key"},
		{"pinned key missing", func(*testing.T, string) {}, []string{"--key", filepath.Join(keys, "missing.pub")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle := filepath.Join(t.TempDir(), "b")
			if _, err := export("--out", bundle, "--purpose", "case 7"); err != nil {
				t.Fatal(err)
			}
			tt.tamper(t, bundle)
			out, err := verify(append([]string{"--bundle", bundle}, tt.args...)...)
			if tt.want == "" {
				if exitCode(err) != 2 {
					t.Fatalf("verify with a missing key: %v, want exit code 2", err)
				}
				return
			}
			if exitCode(err) != 1 || !strings.Contains(out, "BROKEN bundle: "+tt.want) {
				t.Fatalf("verify: %v\n%s\nwant exit code 1 naming %q", err, out, tt.want)
			}
		})
	}
}

func TestExportRefusals(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	op, a, _, _ := exportWorld(t, dir)
	token := issueToken(t, dir, a)
	out := filepath.Join(t.TempDir(), "bundle")
	failing := func(context.Context, config.Config, eventstore.Store, *eventlog.Codec, *slog.Logger, app.Principal) (evidence.AccessRecorder, func() error, error) {
		return failingRecorder{}, func() error { return nil }, nil
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no token", []string{"--purpose", "p"}, 2},
		{"no purpose", []string{"--token", token}, 2},
		{"forged token", []string{"--token", writeTemp(t, "jo1.e30.AAAA"), "--purpose", "p"}, 2},
		{"the access cannot be recorded", []string{"--token", token, "--purpose", "p"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := exportCommand{recorder: failing, now: time.Now}.run(t.Context(),
				append([]string{"--data-dir", dir, "--operation", op.String(), "--out", out}, tt.args...), &bytes.Buffer{}, &bytes.Buffer{})
			if exitCode(err) != tt.code || (tt.code == 1 && !errors.Is(err, errUnrecorded)) {
				t.Fatalf("export: %v, want exit code %d", err, tt.code)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a refused export wrote a bundle")
			}
		})
	}
}

var errUnrecorded = errors.New("audit stream unavailable")

// failingRecorder cannot record: the export must not read anything.
type failingRecorder struct{}

func (failingRecorder) RecordExport(context.Context, evidence.Access) error { return errUnrecorded }

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
