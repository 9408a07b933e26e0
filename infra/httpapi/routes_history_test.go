package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
)

// secretHistory is a running operation where hA reports a RED position
// releasable to hB only, later relaxed to CLEAR, and hC reports a late
// position; relaxedAt is the position of the relaxation, before it the
// position just before.
type secretHistory struct {
	*historyEnv
	secretAt, beforeRelax, relaxedAt, lateAt string
}

func newSecretHistory(t *testing.T) secretHistory {
	e := newHistoryEnv(t, nil)
	e.running(t)
	red := hMark(t, hA, marking.TLPRed, hA, hB)
	e.write(t, hA, 0, hPosition(t, 1, hA, hUnitA, red, 48.2, 7.2))
	s := secretHistory{historyEnv: e, secretAt: e.last()}
	e.write(t, hC, 3*time.Minute, hPosition(t, 2, hC, hUnitC, hMark(t, hC, marking.TLPGreen), 47.5, 7.5))
	s.lateAt = e.last()
	s.beforeRelax = e.last()
	e.write(t, hA, 0, &fieldlog.MarkingRelaxed{ReportID: hHeader(t, 3, hUnitA, red).ReportID, OperationID: hHeader(t, 1, hUnitA, red).OperationID,
		UnitID: hHeader(t, 1, hUnitA, red).UnitID, Report: hHeader(t, 1, hUnitA, red).ReportID, From: red, To: hMark(t, hA, marking.TLPClear)})
	s.relaxedAt = e.last()
	return s
}

func (e *historyEnv) tok(t *testing.T, agency uuid.UUID, role commands.Role) string {
	return e.token(t, agency, uuid.New(), role)
}

func boardPath(query url.Values) string {
	return "/v1/operations/" + histOp.String() + "/history/board?" + query.Encode()
}

func timelinePath(query url.Values) string {
	return "/v1/operations/" + histOp.String() + "/history/timeline?" + query.Encode()
}

// historyBoardAnswer is the part of a board answer the tests read.
type historyBoardAnswer struct {
	Position string `json:"position"`
	AsOf     string `json:"as_of"`
	AsOfKind string `json:"as_of_kind"`
	AsAgency string `json:"as_agency"`
	Board    struct {
		Operation string `json:"operation_id"`
		Tracks    []struct {
			Unit string `json:"unit_id"`
		} `json:"tracks"`
	} `json:"board"`
}

func decodeAs[T any](t *testing.T, r response) T {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return v
}

func tracksOf(a historyBoardAnswer) []string {
	var out []string
	for _, tr := range a.Board.Tracks {
		out = append(out, tr.Unit)
	}
	return out
}

func TestHistoryBoardAsOf(t *testing.T) {
	s := newSecretHistory(t)
	tests := []struct {
		name     string
		agency   uuid.UUID
		role     commands.Role
		query    url.Values
		kind     string
		position string
		tracks   []string
	}{
		{"the investigator of a named recipient sees the RED report", hB, commands.RoleInvestigator,
			url.Values{"as_of": {s.secretAt}}, "position", s.secretAt, []string{hUnitA.String()}},
		{"another participant does not, before the relaxation", hC, commands.RoleInvestigator,
			url.Values{"as_of": {s.beforeRelax}}, "position", s.beforeRelax, []string{hUnitC.String()}},
		{"and does once it was relaxed", hC, commands.RoleCommander,
			url.Values{"as_of": {s.relaxedAt}}, "position", s.relaxedAt, []string{hUnitA.String(), hUnitC.String()}},
		{"an admin views as another participant", hA, commands.RoleAdmin,
			url.Values{"as_of": {s.beforeRelax}, "as_agency": {hC.String()}}, "position", s.beforeRelax, []string{hUnitC.String()}},
		{"by server time", hB, commands.RoleInvestigator,
			url.Values{"as_of_time": {s.envs[len(s.envs)-3].Event.RecordedAt.Format(time.RFC3339Nano)}}, "recorded_at", s.secretAt, []string{hUnitA.String()}},
		{"by field time, with the late report", hB, commands.RoleInvestigator,
			url.Values{"as_of_time": {s.envs[len(s.envs)-3].Event.RecordedAt.Format(time.RFC3339Nano)}, "time": {"occurred"}}, "occurred_at", s.lateAt,
			[]string{hUnitA.String(), hUnitC.String()}},
		{"before the operation began", hB, commands.RoleInvestigator,
			url.Values{"as_of_time": {t0.Add(-24 * time.Hour).Format(time.RFC3339)}}, "recorded_at", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.recorder.count()
			q := tt.query
			q.Set("purpose", "case 2026/117")
			got := decodeAs[historyBoardAnswer](t, s.do(t, "GET", boardPath(q), s.tok(t, tt.agency, tt.role), nil))
			if got.AsOfKind != tt.kind || got.Position != tt.position {
				t.Errorf("as_of_kind %q position %q, want %q %q", got.AsOfKind, got.Position, tt.kind, tt.position)
			}
			if mustJSONString(t, tracksOf(got)) != mustJSONString(t, tt.tracks) {
				t.Errorf("tracks of %v, want %v", tracksOf(got), tt.tracks)
			}
			want := tt.agency.String()
			if a := tt.query.Get("as_agency"); a != "" {
				want = a
			}
			if got.AsAgency != want {
				t.Errorf("as_agency %s, want %s", got.AsAgency, want)
			}
			if s.recorder.count() != before+1 {
				t.Fatalf("%d reads recorded, want 1", s.recorder.count()-before)
			}
			r := s.recorder.reads[len(s.recorder.reads)-1]
			if r.What != "board_as_of" || r.Purpose != "case 2026/117" || r.Parameters["as_agency"] != want || r.Operation.String() != histOp.String() {
				t.Errorf("recorded %+v", r)
			}
		})
	}
}

func mustJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every refusal is answered before anything is read or recorded.
func TestHistoryRefusals(t *testing.T) {
	s := newSecretHistory(t)
	ok := url.Values{"as_of": {s.secretAt}, "purpose": {"oversight"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vs := range ok {
			q[key] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	other := uuid.MustParse("0f000000-0000-4000-8000-0000000000ff")
	tests := []struct {
		name   string
		agency uuid.UUID
		role   commands.Role
		path   string
		status int
	}{
		{"an observer", hB, commands.RoleObserver, boardPath(ok), http.StatusForbidden},
		{"a field unit", hB, commands.RoleFieldUnit, timelinePath(ok), http.StatusForbidden},
		{"an investigator asking as another agency", hB, commands.RoleInvestigator, boardPath(with("as_agency", hA.String())), http.StatusForbidden},
		{"a commander asking as another agency", hB, commands.RoleCommander, timelinePath(with("as_agency", hA.String())), http.StatusForbidden},
		{"an admin asking as an agency that did not take part", hA, commands.RoleAdmin, boardPath(with("as_agency", hOut.String())), http.StatusForbidden},
		{"an investigator of an agency that did not take part", hOut, commands.RoleInvestigator, boardPath(ok), http.StatusNotFound},
		{"an admin of an agency that did not take part", hOut, commands.RoleAdmin, timelinePath(ok), http.StatusNotFound},
		{"an operation that does not exist", hA, commands.RoleInvestigator, "/v1/operations/" + other.String() + "/history/board?" + ok.Encode(), http.StatusNotFound},
		{"no purpose", hA, commands.RoleInvestigator, boardPath(with("purpose", "")), http.StatusBadRequest},
		{"a blank purpose", hA, commands.RoleInvestigator, timelinePath(with("purpose", "   ")), http.StatusBadRequest},
		{"no as_of", hA, commands.RoleInvestigator, boardPath(with("as_of", "")), http.StatusBadRequest},
		{"as_of and as_of_time", hA, commands.RoleInvestigator, boardPath(with("as_of_time", t0.Format(time.RFC3339))), http.StatusBadRequest},
		{"a malformed position", hA, commands.RoleInvestigator, boardPath(with("as_of", "yesterday")), http.StatusBadRequest},
		{"an unknown clock", hA, commands.RoleInvestigator, timelinePath(with("time", "field")), http.StatusBadRequest},
		{"a limit too large", hA, commands.RoleInvestigator, timelinePath(with("limit", "1001")), http.StatusBadRequest},
		{"an inverted box", hA, commands.RoleInvestigator, timelinePath(with("bbox", "8,48,7,47")), http.StatusBadRequest},
		{"a position not indexed yet", hA, commands.RoleInvestigator, boardPath(with("as_of", "999999/999999")), http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.recorder.count()
			got := s.do(t, "GET", tt.path, s.tok(t, tt.agency, tt.role), nil)
			if got.status != tt.status {
				t.Fatalf("status %d, want %d: %s", got.status, tt.status, got.body)
			}
			got.problem(t)
			if tt.status != http.StatusUnprocessableEntity && s.recorder.count() != before {
				t.Fatal("a refused read was recorded")
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		if got := s.do(t, "GET", boardPath(ok), "", nil); got.status != http.StatusUnauthorized {
			t.Fatalf("status %d", got.status)
		}
	})
	t.Run("a read that cannot be recorded is not served", func(t *testing.T) {
		s.recorder.fail = domain.Forbid("audit.refused", "no")
		defer func() { s.recorder.fail = nil }()
		got := s.do(t, "GET", boardPath(ok), s.tok(t, hA, commands.RoleInvestigator), nil)
		if got.status != http.StatusForbidden {
			t.Fatalf("status %d: %s", got.status, got.body)
		}
		s.recorder.fail = errors.New("disk full")
		if got := s.do(t, "GET", timelinePath(ok), s.tok(t, hA, commands.RoleInvestigator), nil); got.status != http.StatusInternalServerError {
			t.Fatalf("status %d: %s", got.status, got.body)
		}
	})
}

type timelineAnswer struct {
	Position string `json:"position"`
	AsAgency string `json:"as_agency"`
	Time     string `json:"time"`
	Next     string `json:"next"`
	Items    []struct {
		Position      string          `json:"position"`
		Type          string          `json:"type"`
		Late          bool            `json:"late"`
		LateBySeconds int64           `json:"late_by_s"`
		CommandID     string          `json:"command_id"`
		Actor         domain.Actor    `json:"actor"`
		Payload       json.RawMessage `json:"payload"`
	} `json:"items"`
}

func TestHistoryTimeline(t *testing.T) {
	s := newSecretHistory(t)
	q := func(kv ...string) url.Values {
		v := url.Values{"purpose": {"oversight"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	positions := func(a timelineAnswer) []string {
		var out []string
		for _, it := range a.Items {
			out = append(out, it.Position)
		}
		return out
	}
	tests := []struct {
		name   string
		agency uuid.UUID
		query  url.Values
		want   []string
	}{
		{"reports as the originator sees them", hA, q("type", "jointops.field."), []string{s.secretAt, s.lateAt, s.relaxedAt}},
		{"a RED report another agency may not see is not even listed", hC, q("type", "jointops.field.", "as_of", s.beforeRelax), []string{s.lateAt}},
		{"by unit", hA, q("unit", hUnitC.String(), "type", "jointops.field."), []string{s.lateAt}},
		{"by agency", hA, q("agency", hC.String(), "type", "jointops.field."), []string{s.lateAt}},
		{"by box", hA, q("bbox", "7,47,8,48"), []string{s.lateAt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeAs[timelineAnswer](t, s.do(t, "GET", timelinePath(tt.query), s.tok(t, tt.agency, commands.RoleInvestigator), nil))
			if mustJSONString(t, positions(got)) != mustJSONString(t, tt.want) {
				t.Fatalf("items at %v, want %v", positions(got), tt.want)
			}
		})
	}
	t.Run("items carry the actor, both clocks, lateness and the command", func(t *testing.T) {
		got := decodeAs[timelineAnswer](t, s.do(t, "GET", timelinePath(q("unit", hUnitC.String(), "type", "jointops.field.position")), s.tok(t, hA, commands.RoleInvestigator), nil))
		it := got.Items[0]
		if !it.Late || it.LateBySeconds != 180 || it.CommandID == "" || it.Actor.Agency.String() != hC.String() || len(it.Payload) < 10 || got.Time != "recorded" {
			t.Fatalf("item %+v", it)
		}
	})
	t.Run("pages", func(t *testing.T) {
		var all []string
		after := ""
		for range 20 {
			query := q("limit", "3")
			if after != "" {
				query.Set("after", after)
			}
			got := decodeAs[timelineAnswer](t, s.do(t, "GET", timelinePath(query), s.tok(t, hA, commands.RoleInvestigator), nil))
			all = append(all, positions(got)...)
			if got.Next == "" {
				break
			}
			after = got.Next
		}
		if len(all) != len(s.envs)-4 { // every event but the four registrations
			t.Fatalf("%d items over the pages, want %d", len(all), len(s.envs)-4)
		}
	})
}

// handlersRecorder records history reads with the real command side, as
// serve wires it (cmd/jointops).
type handlersRecorder struct{ h *commands.Handlers }

func (r handlersRecorder) RecordHistoryRead(ctx context.Context, p commands.Principal, read HistoryRead) error {
	_, err := r.h.RecordHistoryAccess(ctx, p, commands.HistoryAccess{Operation: read.Operation, What: commands.AccessKind(read.What),
		Purpose: read.Purpose, Parameters: read.Parameters, OccurredAt: read.OccurredAt})
	return err
}

// With the real command side, a served read is an event of the
// operation's audit stream, and shows in the timeline itself.
func TestHistoryReadsAreRecordedInTheLog(t *testing.T) {
	e := newHistoryEnvWith(t, nil, func(h *commands.Handlers) HistoryRecorder { return handlersRecorder{h} })
	e.running(t)
	tok := e.tok(t, hB, commands.RoleInvestigator)
	q := url.Values{"as_of": {e.last()}, "purpose": {"case 2026/117"}}
	if got := e.do(t, "GET", boardPath(q), tok, nil); got.status != http.StatusOK {
		t.Fatalf("status %d: %s", got.status, got.body)
	}
	audit, err := e.store.ReadStream(t.Context(), "audit-"+histOp.String(), eventstore.Forwards, 0, 10)
	if err != nil || len(audit) != 1 || !strings.Contains(string(audit[0].Data), "case 2026/117") {
		t.Fatalf("audit stream: %d events, %v", len(audit), err)
	}
	if _, err := e.hist.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := decodeAs[timelineAnswer](t, e.do(t, "GET", timelinePath(url.Values{"type": {"jointops.audit."}, "purpose": {"oversight"}}), tok, nil))
	if len(got.Items) != 1 || got.Items[0].Actor.Agency.String() != hB.String() {
		t.Fatalf("the timeline shows %d audit events: %+v", len(got.Items), got.Items)
	}
}
