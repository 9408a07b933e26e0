package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/projections"
)

// boardReads are the REST reads of a board, below /v1/operations/{id}.
var boardReads = []string{"/board", "/board/command", "/board/units", "/board/tasks", "/board/significant"}

func TestBoardReadsCarryTheirPosition(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	at := s.position(t, 1)
	s.be.caughtUp(t)
	for _, path := range boardReads {
		for _, tok := range []string{s.observer, s.unit7, s.lead, s.partner} {
			r := s.mustDo(t, "GET", s.op+path, tok, nil, http.StatusOK)
			var head partHead
			if err := json.Unmarshal(r.body, &head); err != nil {
				t.Fatal(err)
			}
			if head.Position != at || head.Operation != s.opBoard {
				t.Errorf("GET %s: operation %s at %s, want %s at %s", path, head.Operation, head.Position, s.opBoard, at)
			}
		}
	}
	var units unitsOut
	if err := json.Unmarshal(s.mustDo(t, "GET", s.op+"/board/units", s.observer, nil, http.StatusOK).body, &units); err != nil {
		t.Fatal(err)
	}
	if len(units.Tracks) != 1 || units.Tracks[0].Last == nil || units.Tracks[0].Unit.String() != unit7.String() {
		t.Errorf("tracks %+v, want unit 7's with its last position", units.Tracks)
	}
}

func TestBoardReadsRefuseOthersAsUnknown(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	unknown := "/v1/operations/" + uuid.NewString()
	for _, path := range boardReads {
		t.Run(path, func(t *testing.T) {
			outsider := s.do(t, "GET", s.op+path, s.outsiderCmdr, nil)
			missing := s.do(t, "GET", unknown+path, s.lead, nil)
			if outsider.status != http.StatusNotFound || missing.status != http.StatusNotFound {
				t.Fatalf("statuses %d and %d, want 404", outsider.status, missing.status)
			}
			po, pm := outsider.problem(t), missing.problem(t)
			if po.Code != "board.not_found" || po.Type != pm.Type || po.Code != pm.Code || po.Title != pm.Title ||
				strings.ReplaceAll(po.Detail, opID.String(), "X") != strings.ReplaceAll(pm.Detail, strings.TrimPrefix(unknown, "/v1/operations/"), "X") {
				t.Errorf("the refusals differ:\n%+v\n%+v", po, pm)
			}
			// The live board refuses in the same words.
			live := s.upgrade(t, s.op+"/board/live", map[string]string{"Authorization": "Bearer " + s.outsiderCmdr}, false)
			if pl := live.problem(t); pl.Code != po.Code || pl.Detail != po.Detail {
				t.Errorf("the live refusal %+v differs from the read's %+v", pl, po)
			}
			if r := s.do(t, "GET", s.op+path, "", nil); r.status != http.StatusUnauthorized {
				t.Errorf("without a token: %d, want 401", r.status)
			}
		})
	}
}

func TestListOperationsOfTheCallersAgency(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	head := s.be.caughtUp(t)
	tests := []struct {
		name  string
		token string
		want  []projections.OperationSummary
	}{
		{"lead", s.lead, []projections.OperationSummary{{Operation: s.opBoard, Purpose: "Joint patrol of the border crossing", Status: "active", Role: projections.RoleLead}}},
		{"partner observer", s.observer, []projections.OperationSummary{{Operation: s.opBoard, Purpose: "Joint patrol of the border crossing", Status: "active", Role: projections.RoleParticipant}}},
		{"outsider", s.outsiderCmdr, []projections.OperationSummary{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got operationsOut
			if err := json.Unmarshal(s.mustDo(t, "GET", "/v1/operations", tt.token, nil, http.StatusOK).body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Position != head || fmt.Sprint(got.Operations) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v at %s, want %+v at %s", got.Operations, got.Position, tt.want, head)
			}
		})
	}
}

func TestSignificantLimit(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	s.be.caughtUp(t)
	var all, last significantOut
	if err := json.Unmarshal(s.mustDo(t, "GET", s.op+"/board/significant", s.observer, nil, http.StatusOK).body, &all); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(s.mustDo(t, "GET", s.op+"/board/significant?limit=1", s.observer, nil, http.StatusOK).body, &last); err != nil {
		t.Fatal(err)
	}
	if len(all.Significant) < 2 || all.Limit != 100 || len(last.Significant) != 1 || last.Limit != 1 ||
		fmt.Sprint(last.Significant) != fmt.Sprint(all.Significant[len(all.Significant)-1:]) {
		t.Fatalf("limit=1 gave %+v of %+v", last.Significant, all.Significant)
	}
	for _, bad := range []string{"0", "-1", "x", "1000000"} {
		if r := s.do(t, "GET", s.op+"/board/significant?limit="+bad, s.observer, nil); r.status != http.StatusBadRequest {
			t.Errorf("limit=%s: %d, want 400", bad, r.status)
		}
	}
}

// TestBoardSecrecy: agency B (the lead) never receives agency A's (the
// partner's) AMBER+STRICT report — not in a snapshot, a delta, a resume,
// a heartbeat, a REST read or an error — while A sees it; once A relaxes
// its marking, B sees it from then on.
func TestBoardSecrecy(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{hub: boardws.Config{HeartbeatInterval: 10 * time.Millisecond}})
	before := s.be.caughtUp(t)
	watching := s.live(t, s.lead, "")
	partnerWatching := s.live(t, s.observer, "")
	report, text := uuid.New(), "SECRET-"+uuid.NewString()
	secret := answerPosition(t, s.mustDo(t, "POST", s.unitReports(unit7)+"/observation", s.unit7,
		strictObservation(uuid.New(), report, text), http.StatusCreated))
	after := s.position(t, 1)
	s.be.caughtUp(t)

	leaks := func(where string, data []byte) {
		t.Helper()
		if strings.Contains(string(data), report.String()) || strings.Contains(string(data), text) {
			t.Errorf("%s shows the lead agency the partner's AMBER+STRICT report: %s", where, data)
		}
	}
	watching.readUntil(t, after)
	partnerWatching.readUntil(t, after)
	if !strings.Contains(string(joinRaw(partnerWatching.raw)), text) {
		t.Fatal("the partner's own board does not show its report: the test proves nothing")
	}
	fresh := s.live(t, s.lead, "")
	fresh.readUntil(t, after)
	resumed := s.live(t, s.lead, before)
	resumed.readUntil(t, after)
	for name, c := range map[string]*boardClient{"the live board": watching, "a fresh snapshot": fresh, "a resume": resumed} {
		leaks(name, joinRaw(c.raw))
		if slices.Contains(c.deltas, secret) {
			t.Errorf("%s sent the lead a delta at the secret report's position", name)
		}
	}
	for _, path := range append(boardReads, "/board/significant?limit=1") {
		leaks("GET "+path, s.mustDo(t, "GET", s.op+path, s.lead, nil, http.StatusOK).body)
	}
	leaks("GET /v1/operations", s.mustDo(t, "GET", "/v1/operations", s.lead, nil, http.StatusOK).body)
	leaks("an error", s.do(t, "GET", s.op+"/board/significant?limit=0", s.lead, nil).body)

	// Relaxed to GREEN, the report reaches the lead from then on.
	relaxed := answerPosition(t, s.mustDo(t, "POST", s.unitReports(unit7)+"/"+report.String()+"/relax-marking", s.unit7, map[string]any{
		"command_id": uuid.NewString(), "occurred_at": time.Now().UTC().Format(time.RFC3339Nano), "report_id": uuid.NewString(),
		"marking": map[string]any{"originator": partnerAgency.String(), "tlp": "GREEN", "evaluation": "B2"},
	}, http.StatusAccepted))
	watching.readUntil(t, relaxed)
	if !strings.Contains(string(watching.raw[len(watching.raw)-1]), text) {
		t.Errorf("the relaxation's delta does not show the lead the report: %s", watching.raw[len(watching.raw)-1])
	}
	ref, _ := s.be.reference(t, s.opBoard, viewerOf(t, leadAgency), relaxed)
	sameView(t, watching.view, ref)
}

func joinRaw(raw [][]byte) []byte {
	var out []byte
	for _, r := range raw {
		out = append(out, r...)
		out = append(out, '\n')
	}
	return out
}
