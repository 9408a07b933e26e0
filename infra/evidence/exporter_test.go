package evidence_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/infra/evidence"
)

func TestFullExportVerifies(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.checkpoint()
	rec := &recorder{}
	dir := filepath.Join(t.TempDir(), "bundle")
	s, err := w.exporter(rec).Export(t.Context(), evidence.Request{Operation: op, Tracks: true, Purpose: "case 42", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Manifest
	// operation 1, A's field log 12, B's 1, task 2, audit 1.
	if want := (evidence.Counts{Events: 17, Links: 17, Streams: 5, Tracks: 1}); m.Counts != want || m.Withheld.Count != 0 || m.AsSeenBy != evidence.ScopeFull {
		t.Fatalf("manifest counts %+v withheld %d scope %s, want %+v, none withheld, full", m.Counts, m.Withheld.Count, m.AsSeenBy, want)
	}
	if len(rec.accesses) != 1 || rec.accesses[0].Purpose != "case 42" || rec.accesses[0].Parameters["as_agency"] != "full" || rec.accesses[0].Operation != op {
		t.Fatalf("recorded accesses %+v", rec.accesses)
	}
	rep, err := evidence.VerifyBundle(dir, w.pub())
	if err != nil || !rep.OK() {
		t.Fatalf("VerifyBundle: %+v, %v", rep, err)
	}
	if rep.Events != 17 || rep.Streams != 5 || !rep.Pinned || rep.Scope != "full" {
		t.Fatalf("report %+v", rep)
	}
	if halves, err := evidence.VerifyBundleInHalves(dir, w.pub()); err != nil || halves != rep {
		t.Fatalf("checked in halves: %+v, %v; whole: %+v", halves, err, rep)
	}
	doc := readFile(t, dir, evidence.CheckpointFile)
	if !bytes.Contains(doc, []byte(`"server"`)) {
		t.Fatalf("checkpoint.json has no server checkpoint:\n%s", doc)
	}
	track := readFile(t, dir, "tracks/"+ua.String()+".geojson")
	if !bytes.Contains(track, []byte(`"LineString"`)) || bytes.Count(track, []byte(`"`+"occurred_at")) != 1 {
		t.Fatalf("track:\n%s", track)
	}
	if bytes.Contains(readFile(t, dir, evidence.EventsFile), []byte(other.String())) {
		t.Fatal("the bundle carries an event of another operation")
	}
}

func TestExportAsSeenByAgency(t *testing.T) {
	w := newWorld(t)
	w.seed()
	s := w.export(evidence.Request{AsAgency: agB})
	m := s.Manifest
	withheld := map[string]string{}
	for _, e := range m.Withheld.Events {
		withheld[e.EventID] = e.Reason
	}
	if m.Counts.Events != 14 || m.Counts.Links != 17 || m.Withheld.Count != 3 || m.Withheld.ByReason[evidence.ReasonMarking] != 3 || m.AsSeenBy != agB.String() {
		t.Fatalf("manifest %+v, want 14 of 17 events, 3 withheld by marking, as seen by B", m)
	}
	events := readFile(t, s.Dir, evidence.EventsFile)
	for _, hidden := range []domain.ReportID{rStrict, rRetractStrict, rCorrectStrict} {
		if bytes.Contains(events, []byte(hidden.String())) {
			t.Errorf("the export for B carries %s, about A's AMBER+STRICT report", hidden)
		}
	}
	for _, shown := range []domain.ReportID{rGreen, rRelaxed, rRelax, rFromB, rH1} {
		if !bytes.Contains(events, []byte(shown.String())) {
			t.Errorf("the export for B lacks %s, which B may see", shown)
		}
	}
	if bytes.Contains(readFile(t, s.Dir, evidence.ManifestFile), []byte("seen "+rStrict.String())) {
		t.Error("the manifest carries withheld content")
	}
	rep, err := evidence.VerifyBundle(s.Dir, w.pub())
	if err != nil || !rep.OK() || rep.Withheld != 3 || rep.Scope != "as seen by "+agB.String() {
		t.Fatalf("VerifyBundle: %+v, %v", rep, err)
	}
}

func TestJudicialExport(t *testing.T) {
	w := newWorld(t)
	w.seed()
	s := w.export(evidence.Request{Judicial: true})
	m := s.Manifest
	if m.Withheld.Count != 1 || m.Withheld.ByReason[evidence.ReasonJudicial] != 1 || !m.Judicial {
		t.Fatalf("withheld %+v, want only the unpermitted H1 report", m.Withheld)
	}
	events := readFile(t, s.Dir, evidence.EventsFile)
	if bytes.Contains(events, []byte("seen "+rH1.String())) || !bytes.Contains(events, []byte("seen "+rH1Permitted.String())) {
		t.Fatal("the judicial export must leave out the unpermitted H1 report and keep the permitted one")
	}
	if rep, err := evidence.VerifyBundle(s.Dir, w.pub()); err != nil || !rep.OK() {
		t.Fatalf("VerifyBundle: %+v, %v", rep, err)
	}
}

func TestExportRefusals(t *testing.T) {
	w := newWorld(t)
	w.seed()
	exists := t.TempDir()
	tests := []struct {
		name string
		req  evidence.Request
		rec  *recorder
		want error
	}{
		{"no purpose", evidence.Request{Operation: op}, &recorder{}, evidence.ErrInvalidRequest},
		{"target exists", evidence.Request{Operation: op, Purpose: "p", Dir: exists}, &recorder{}, evidence.ErrInvalidRequest},
		{"agency not taking part", evidence.Request{Operation: op, Purpose: "p", AsAgency: agC}, &recorder{}, evidence.ErrNotParticipant},
		{"unknown operation", evidence.Request{Operation: domain.OperationID{}, Purpose: "p"}, &recorder{}, evidence.ErrInvalidRequest},
		{"recording fails", evidence.Request{Operation: op, Purpose: "p"}, &recorder{err: errRecord}, errRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.Dir == "" {
				tt.req.Dir = filepath.Join(t.TempDir(), "bundle")
			}
			_, err := w.exporter(tt.rec).Export(t.Context(), tt.req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Export: %v, want %v", err, tt.want)
			}
			if tt.req.Dir != exists {
				if _, err := os.Stat(tt.req.Dir); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("a refused export left %s behind", tt.req.Dir)
				}
				entries, _ := os.ReadDir(filepath.Dir(tt.req.Dir))
				if len(entries) != 0 {
					t.Fatalf("a refused export left %v behind", entries)
				}
			}
		})
	}
}

var errRecord = errors.New("audit log unavailable")

func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestScopesCombineAndFailClosed(t *testing.T) {
	w := newWorld(t)
	w.seed()
	// A permission the codec cannot decode: an export that leaves
	// anything out cannot tell who may see it, so it leaves it out.
	w.putRaw(fieldlogStreamOfA(), evidence.JudicialUsePermittedType, `{"report":"not an id"}`)
	tests := []struct {
		name     string
		req      evidence.Request
		withheld map[string]int
	}{
		{"full", evidence.Request{}, map[string]int{}},
		{"as seen by B", evidence.Request{AsAgency: agB}, map[string]int{evidence.ReasonMarking: 3, evidence.ReasonUndecodable: 1}},
		{"as seen by B, judicial", evidence.Request{AsAgency: agB, Judicial: true}, map[string]int{evidence.ReasonMarking: 3, evidence.ReasonJudicial: 1, evidence.ReasonUndecodable: 1}},
		{"full, judicial", evidence.Request{Judicial: true}, map[string]int{evidence.ReasonJudicial: 1, evidence.ReasonUndecodable: 1}},
		{"as seen by A, the originator", evidence.Request{AsAgency: agA}, map[string]int{evidence.ReasonUndecodable: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := w.export(tt.req)
			got := s.Manifest.Withheld.ByReason
			if len(got) != len(tt.withheld) {
				t.Fatalf("withheld %v, want %v", got, tt.withheld)
			}
			for r, n := range tt.withheld {
				if got[r] != n {
					t.Fatalf("withheld %v, want %v", got, tt.withheld)
				}
			}
			if rep, err := evidence.VerifyBundle(s.Dir, w.pub()); err != nil || !rep.OK() {
				t.Fatalf("VerifyBundle: %+v, %v", rep, err)
			}
		})
	}
}

func fieldlogStreamOfA() string { return fieldlog.Stream(op, ua) }
