package httpapi

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

// storeAudit is the audit log of a server: the store's reader and the
// codec, as cmd/jointops wires it.
type storeAudit struct {
	eventstore.Reader
	*eventlog.Codec
}

// newAuditEnv is newEnv with the audit timeline served; now is its clock.
func newAuditEnv(t testing.TB, now func() time.Time) *env {
	t.Helper()
	store, codec, h, now := newCommandSide(t, now)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	handler, err := New(Config{
		Logger: slog.New(slog.DiscardHandler), TokenKey: key.Public().(ed25519.PublicKey), Commands: h, Now: now,
		Audit: storeAudit{store, codec},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &env{url: srv.URL, store: store, key: key, now: now, client: srv.Client(), log: &syncLog{}, cmds: h}
}

// auditPath is the audit timeline of the scenario's operation with query q.
func (s *scenario) auditPath(q url.Values) string { return s.op + "/audit?" + q.Encode() }

func decodeAuditPage(t *testing.T, r response) auditPageOut {
	t.Helper()
	var p auditPageOut
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("audit page %s: %v", r.body, err)
	}
	return p
}

// TestAuditTimelineAuthorization: only investigators and admins of a
// participating agency read the audit trail; every refusal leaves the
// trail as it was, and every read served is in it.
func TestAuditTimelineAuthorization(t *testing.T) {
	s := newScenario(t, newAuditEnv(t, nil))
	investigator := s.token(t, partnerAgency, uuid.MustParse("5c000000-0000-4000-8000-000000000005"), commands.RoleInvestigator)
	admin := s.token(t, leadAgency, uuid.MustParse("a0000000-0000-4000-8000-000000000001"), commands.RoleAdmin)
	outsiderInvestigator := s.token(t, outsiderAgency, uuid.New(), commands.RoleInvestigator)
	purpose := url.Values{"purpose": {"Oversight request OR-2025-3"}}

	tests := []struct {
		name   string
		token  string
		path   string
		status int
		code   string
	}{
		{"an investigator of a participating agency", investigator, s.auditPath(purpose), http.StatusOK, ""},
		{"an admin of the lead agency", admin, s.auditPath(purpose), http.StatusOK, ""},
		{"a commander may not", s.lead, s.auditPath(purpose), http.StatusForbidden, string(commands.CodeHistoryRole)},
		{"an observer may not", s.observer, s.auditPath(purpose), http.StatusForbidden, string(commands.CodeHistoryRole)},
		{"a field unit may not", s.unit7, s.auditPath(purpose), http.StatusForbidden, string(commands.CodeHistoryRole)},
		{"an investigator of an agency outside the operation", outsiderInvestigator, s.auditPath(purpose), http.StatusForbidden,
			string(commands.CodeNotVisible)},
		{"an operation that does not exist", investigator, "/v1/operations/" + uuid.NewString() + "/audit?purpose=x",
			http.StatusForbidden, string(commands.CodeNotVisible)},
		{"no token", "", s.auditPath(purpose), http.StatusUnauthorized, ""},
		{"no purpose", investigator, s.auditPath(nil), http.StatusBadRequest, ""},
		{"a blank purpose, from anyone", s.observer, s.auditPath(url.Values{"purpose": {"  "}}), http.StatusBadRequest, ""},
		{"an overlong purpose", investigator, s.auditPath(url.Values{"purpose": {strings.Repeat("x", audit.MaxPurpose+1)}}),
			http.StatusBadRequest, ""},
		{"a bad limit and after", investigator, s.auditPath(url.Values{"purpose": {"x"}, "limit": {"0"}, "after": {"-1"}}),
			http.StatusBadRequest, ""},
		{"a limit too large", investigator, s.auditPath(url.Values{"purpose": {"x"}, "limit": {fmt.Sprint(maxAuditLimit + 1)}}),
			http.StatusBadRequest, ""},
	}
	served := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.auditEvents(t)
			r := s.do(t, "GET", tt.path, tt.token, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status == http.StatusOK {
				served++
				if got := s.auditEvents(t); got != before+1 {
					t.Errorf("the trail went from %d to %d accesses, want one more", before, got)
				}
				return
			}
			if got := s.auditEvents(t); got != before {
				t.Errorf("a refused read changed the trail from %d to %d accesses", before, got)
			}
			if tt.code != "" {
				if p := r.problem(t); p.Code != tt.code {
					t.Errorf("code %q, want %q", p.Code, tt.code)
				}
			}
		})
	}
	if n := s.auditEvents(t); n != served {
		t.Errorf("%d accesses recorded for %d reads served", n, served)
	}
}

// auditEvents counts the events of the scenario operation's audit stream.
func (s *scenario) auditEvents(t *testing.T) int {
	t.Helper()
	recs, err := s.store.ReadStream(t.Context(), audit.Stream(mustOp(t)), eventstore.Forwards, 0, 10000)
	if err != nil {
		return 0 // no stream yet
	}
	return len(recs)
}

// TestAuditTimelinePages: the timeline lists who read what, why and how,
// oldest first, the read itself last, a page at a time.
func TestAuditTimelinePages(t *testing.T) {
	clock := &settableClock{t: t0}
	s := newScenario(t, newAuditEnv(t, clock.now))
	investigator := s.token(t, partnerAgency, uuid.MustParse("5c000000-0000-4000-8000-000000000005"), commands.RoleInvestigator)

	// Two history reads through the command handlers, as the history and
	// replay routes make them.
	inv := mustPrincipal(t, partnerAgency, uuid.MustParse("5c000000-0000-4000-8000-000000000005"), commands.RoleInvestigator)
	for i, what := range []commands.AccessKind{commands.AccessBoardAsOf, commands.AccessReplay} {
		clock.set(t0.Add(time.Duration(i+1) * time.Minute))
		if _, err := s.cmds.RecordHistoryAccess(t.Context(), inv, commands.HistoryAccess{Operation: mustOp(t), What: what,
			Purpose: "Case 4 Js 117/25", Parameters: map[string]string{"as_of": "12/12"}}); err != nil {
			t.Fatal(err)
		}
	}
	clock.set(t0.Add(3 * time.Minute))
	first := decodeAuditPage(t, s.mustDo(t, "GET", s.auditPath(url.Values{"purpose": {"Quarterly review"}, "limit": {"2"}}), investigator, nil, http.StatusOK))
	if len(first.Accesses) != 2 || first.Next != "1" {
		t.Fatalf("first page: %d accesses, next %q; want 2 and next 1", len(first.Accesses), first.Next)
	}
	a := first.Accesses[0]
	if a.What != audit.KindBoardAsOf || a.Role != "investigator" || a.Purpose != "Case 4 Js 117/25" || a.Parameters["as_of"] != "12/12" ||
		a.Actor.Agency.String() != partnerAgency.String() || a.Actor.Person.IsZero() || a.Revision != 0 || a.Position == "" ||
		!a.OccurredAt.Equal(t0.Add(time.Minute)) || !a.RecordedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("first access %+v", a)
	}
	second := decodeAuditPage(t, s.mustDo(t, "GET", s.auditPath(url.Values{"purpose": {"Quarterly review"}, "after": {first.Next}}), investigator, nil, http.StatusOK))
	if second.Next != "" || len(second.Accesses) != 2 {
		t.Fatalf("second page: %d accesses, next %q; want the two reads of the trail, last", len(second.Accesses), second.Next)
	}
	if own := second.Accesses[0]; own.What != audit.KindAudit || own.Purpose != "Quarterly review" || own.Parameters["limit"] != "2" {
		t.Errorf("the first read of the trail is listed as %+v", own)
	}
	if own := second.Accesses[1]; own.What != audit.KindAudit || own.Parameters["after"] != "1" || own.Revision != 3 {
		t.Errorf("this read of the trail is listed as %+v", own)
	}
	if p := decodeAuditPage(t, s.mustDo(t, "GET", s.auditPath(url.Values{"purpose": {"x"}, "after": {"99"}}), investigator, nil, http.StatusOK)); len(p.Accesses) != 0 || p.Next != "" {
		t.Errorf("a page after the end: %+v", p)
	}
}

// TestAuditTimelineNotServedWithoutAuditLog: without Config.Audit the
// route does not exist.
func TestAuditTimelineNotServedWithoutAuditLog(t *testing.T) {
	s := newScenario(t, newEnv(t, envOptions{}))
	admin := s.token(t, leadAgency, uuid.New(), commands.RoleAdmin)
	if r := s.do(t, "GET", s.auditPath(url.Values{"purpose": {"x"}}), admin, nil); r.status != http.StatusNotFound {
		t.Fatalf("status %d, want 404: %s", r.status, r.body)
	}
}

func mustOp(t testing.TB) domain.OperationID {
	t.Helper()
	return hID(t, domain.NewOperationID, opID)
}

func mustPrincipal(t testing.TB, agency, subject uuid.UUID, role commands.Role) commands.Principal {
	t.Helper()
	p, err := commands.NewPrincipal(hID(t, domain.NewAgencyID, agency), subject, role)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestJudicialUseRoute: the originator's commander permits judicial use of
// an H1 report once; others are refused.
func TestJudicialUseRoute(t *testing.T) {
	s := newScenario(t, newEnv(t, envOptions{}))
	now := s.now().UTC()
	report := positionReport(uuid.New(), now, 47.6, 13.1)
	report["marking"] = map[string]any{"originator": partnerAgency.String(), "tlp": "AMBER", "handling": []string{"H1"}, "evaluation": "B2"}
	s.mustDo(t, "POST", s.unitReports(unit7)+"/position", s.unit7, report, http.StatusCreated)
	plain := positionReport(uuid.New(), now, 47.6, 13.1)
	s.mustDo(t, "POST", s.unitReports(unit7)+"/position", s.unit7, plain, http.StatusCreated)
	permit := func(edit func(map[string]any)) map[string]any {
		b := map[string]any{"command_id": uuid.NewString(), "occurred_at": now.Format(time.RFC3339),
			"report_id": uuid.NewString(), "case_reference": "Staatsanwaltschaft Traunstein 4 Js 117/25"}
		if edit != nil {
			edit(b)
		}
		return b
	}
	path := func(reportID string) string { return s.unitReports(unit7) + "/" + reportID + "/judicial-use" }
	h1ID, plainID := report["report_id"].(string), plain["report_id"].(string)

	tests := []struct {
		name   string
		token  string
		path   string
		body   map[string]any
		status int
		code   string
	}{
		{"the field unit may not", s.unit7, path(h1ID), permit(nil), http.StatusForbidden, string(commands.CodeRoleNotAllowed)},
		{"an observer may not", s.observer, path(h1ID), permit(nil), http.StatusForbidden, string(commands.CodeReadOnlyRole)},
		{"the lead's commander is not the originator", s.lead, path(h1ID), permit(nil), http.StatusForbidden, "fieldlog.not_originator"},
		{"a commander outside the operation", s.outsiderCmdr, path(h1ID), permit(nil), http.StatusForbidden, string(commands.CodeNotParticipant)},
		{"a case reference is required", s.partner, path(h1ID), permit(func(b map[string]any) { delete(b, "case_reference") }),
			http.StatusBadRequest, ""},
		{"a report without H1", s.partner, path(plainID), permit(nil), http.StatusUnprocessableEntity, "fieldlog.judicial_use_not_restricted"},
		{"an unknown report", s.partner, path(uuid.NewString()), permit(nil), http.StatusNotFound, "fieldlog.report_unknown"},
		{"the originator's commander permits", s.partner, path(h1ID), permit(nil), http.StatusAccepted, ""},
		{"a second permission is refused", s.partner, path(h1ID), permit(nil), http.StatusUnprocessableEntity,
			"fieldlog.judicial_use_already_permitted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, "POST", tt.path, tt.token, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.code != "" {
				if p := r.problem(t); p.Code != tt.code {
					t.Errorf("code %q, want %q", p.Code, tt.code)
				}
			}
		})
	}
}
