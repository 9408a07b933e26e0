package httpapi

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
)

// Fixed identities of the test scenario: a lead agency and a partner run an
// operation; an outsider agency does not take part.
var (
	leadAgency     = uuid.MustParse("11111111-1111-4111-8111-111111111111")
	partnerAgency  = uuid.MustParse("22222222-2222-4222-8222-222222222222")
	outsiderAgency = uuid.MustParse("33333333-3333-4333-8333-333333333333")
	leadCommander  = uuid.MustParse("1c000000-0000-4000-8000-000000000001")
	partnerCmdr    = uuid.MustParse("2c000000-0000-4000-8000-000000000002")
	observer       = uuid.MustParse("2b000000-0000-4000-8000-000000000003")
	unit7          = uuid.MustParse("2a000000-0000-4000-8000-000000000007")
	unit8          = uuid.MustParse("2a000000-0000-4000-8000-000000000008")
	outsiderUnit   = uuid.MustParse("3a000000-0000-4000-8000-000000000009")
	opID           = uuid.MustParse("0e000000-0000-4000-8000-000000000001")
)

// scenario is an active operation of the lead and the partner agency with
// tokens for its people.
type scenario struct {
	*env
	lead, partner, observer, unit7, unit8, outsiderUnit, outsiderCmdr string
	op                                                                string // /v1/operations/{op}
}

// newScenario proposes, agrees to and activates the operation, through the
// API.
func newScenario(tb testing.TB, e *env) *scenario {
	tb.Helper()
	s := &scenario{
		env:          e,
		lead:         e.token(tb, leadAgency, leadCommander, commands.RoleCommander),
		partner:      e.token(tb, partnerAgency, partnerCmdr, commands.RoleCommander),
		observer:     e.token(tb, partnerAgency, observer, commands.RoleObserver),
		unit7:        e.token(tb, partnerAgency, unit7, commands.RoleFieldUnit),
		unit8:        e.token(tb, partnerAgency, unit8, commands.RoleFieldUnit),
		outsiderUnit: e.token(tb, outsiderAgency, outsiderUnit, commands.RoleFieldUnit),
		outsiderCmdr: e.token(tb, outsiderAgency, uuid.New(), commands.RoleCommander),
		op:           "/v1/operations/" + opID.String(),
	}
	now := e.now().UTC()
	s.mustDo(tb, "POST", "/v1/operations", s.lead, map[string]any{
		"command_id": uuid.NewString(), "occurred_at": now.Format(time.RFC3339),
		"id": opID.String(), "purpose": "Joint patrol of the border crossing",
		"lead": leadAgency.String(), "participants": []string{leadAgency.String(), partnerAgency.String()},
		"host_states": []string{"DE"},
		"legal_basis": []map[string]string{{"instrument": "Prüm Decision 2008/615/JHA", "provision": "Art. 17"}},
		"area":        map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{13.0, 47.5}, {13.2, 47.5}, {13.2, 47.7}, {13.0, 47.7}, {13.0, 47.5}}}},
		"period":      map[string]string{"start": now.Add(-time.Hour).Format(time.RFC3339), "end": now.Add(72 * time.Hour).Format(time.RFC3339)},
	}, http.StatusCreated)
	for _, tok := range []string{s.lead, s.partner} {
		s.mustDo(tb, "POST", s.op+"/agree", tok, map[string]any{
			"command_id": uuid.NewString(), "occurred_at": now.Format(time.RFC3339), "arrangement_version": 1,
		}, http.StatusAccepted)
	}
	s.mustDo(tb, "POST", s.op+"/activate", s.lead, map[string]any{
		"command_id": uuid.NewString(), "occurred_at": now.Format(time.RFC3339),
	}, http.StatusAccepted)
	return s
}

// mustDo sends a request and fails the test unless it gets want.
func (s *scenario) mustDo(tb testing.TB, method, path, token string, body any, want int) response {
	tb.Helper()
	r := s.do(tb, method, path, token, body)
	if r.status != want {
		tb.Fatalf("%s %s = %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

// unitReports is the reports path of a unit.
func (s *scenario) unitReports(unit uuid.UUID) string {
	return fmt.Sprintf("%s/units/%s/reports", s.op, unit)
}

// positionReport is a valid position report body of the partner agency.
func positionReport(commandID uuid.UUID, at time.Time, lat, lon float64) map[string]any {
	return map[string]any{
		"command_id":  commandID.String(),
		"occurred_at": at.UTC().Format(time.RFC3339Nano),
		"report_id":   uuid.NewSHA1(commandID, []byte("report")).String(),
		"marking": map[string]any{
			"originator": partnerAgency.String(), "tlp": "AMBER", "evaluation": "B2",
		},
		"point":  map[string]any{"lat": lat, "lon": lon, "accuracy_m": 8},
		"source": "gps",
	}
}
