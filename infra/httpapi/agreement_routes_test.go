package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
)

// TestAgreementInputProblems: the problems of an agreement command's input
// come back together (those of its form, then those of its rules), under
// the paths the client sent; unknown fields are refused inside the terms
// too; and nothing is appended.
func TestAgreementInputProblems(t *testing.T) {
	e := newEnv(t, envOptions{now: (&settableClock{t: t0}).now})
	admin := e.token(t, uuid.MustParse("11111111-1111-4111-8111-111111111111"), uuid.New(), commands.RoleAdmin)
	record := `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","key":"cisa","kind":"multilateral",
		"terms":{"title":"CISA","instrument":"CISA","parties":["DE","FR"],"language":"en","in_force":{"from":"1995-03-26T00:00:00Z"}}}`
	if r := e.do(t, "POST", "/v1/agreements", admin, record); r.status != http.StatusCreated {
		t.Fatalf("record: %d %s", r.status, r.body)
	}
	before := e.events(t)
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		fields []string
	}{
		{
			name: "an agreement with bad key, parties and dates", path: "/v1/agreements", status: http.StatusBadRequest,
			body: `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","key":"Schengen Convention","kind":"multilateral",
				"terms":{"title":"CISA","instrument":"CISA","parties":["DE","fr"],"language":"en","in_force":{"from":"yesterday"}}}`,
			fields: []string{"key", "terms.parties[1]", "terms.in_force.from"},
		},
		{
			name: "a provision whose terms break several rules", path: "/v1/agreements/cisa/provisions", status: http.StatusBadRequest,
			body: `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","key":"art41",
				"terms":{"article":"Art. 41","title":"Hot pursuit","action":"hot_pursuit","hosts":["PL"],
				"offences":{"kind":"listed"},"authorisation":{"mode":"urgent"},"notification":{"when":"at_crossing","contact_point":"pursuit_notification"},
				"limits":{"distance_km":-1},"apprehension":"none","modes":["rail"],"weapons":"self_defence","report":{"required":true},
				"validity":{"from":"1995-03-26T00:00:00Z"}}}`,
			fields: []string{"terms.offences.listed", "terms.authorisation.due_within_minutes",
				"terms.limits.distance_km", "terms.modes[0]"},
		},
		{
			name: "an unknown field deep in the terms", path: "/v1/agreements/cisa/provisions", status: http.StatusBadRequest,
			body: `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","key":"art41",
				"terms":{"limits":{"distance_km":10,"miles":6}}}`,
		},
		{
			name: "a supersession without its successor", path: "/v1/agreements/cisa/provisions/art41/supersede", status: http.StatusBadRequest,
			body:   `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","effective_at":"2027-01-01T00:00:00Z"}`,
			fields: []string{"by"},
		},
		{
			name: "a provision of an agreement not recorded", path: "/v1/agreements/prum/provisions/art17/suspend", status: http.StatusNotFound,
			body: `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T09:59:00Z","effective_at":"2027-01-01T00:00:00Z","reason":"x"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", tt.path, admin, tt.body)
			if r.status != tt.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.status)
			}
			p := r.problem(t)
			for _, f := range tt.fields {
				if !slices.ContainsFunc(p.Errors, func(fp domain.FieldProblem) bool { return fp.Field == f }) {
					t.Errorf("no problem with %s in %s", f, r.body)
				}
			}
		})
	}
	if n := e.events(t); n != before {
		t.Fatalf("refused commands appended %d events", n-before)
	}
}

func TestProvisionInForceQueryProblems(t *testing.T) {
	e := newEnv(t, envOptions{now: (&settableClock{t: t0}).now})
	observer := e.token(t, uuid.MustParse("22222222-2222-4222-8222-222222222222"), uuid.New(), commands.RoleObserver)
	tests := []struct {
		name   string
		query  url.Values
		status int
		fields []string
	}{
		{"nothing asked", url.Values{}, http.StatusBadRequest, []string{"host", "sending", "action", "at", "agreement"}},
		{"malformed values", url.Values{"host": {"Austria"}, "sending": {"DE"}, "action": {"arrest"}, "at": {"now"},
			"agreement": {"CISA"}}, http.StatusBadRequest, []string{"host", "action", "at", "agreement[0]"}},
		{"a parameter twice", url.Values{"host": {"AT", "DE"}, "sending": {"DE"}, "action": {"hot_pursuit"},
			"at": {"2026-11-28T10:00:00Z"}, "agreement": {"cisa"}}, http.StatusBadRequest, []string{"host"}},
		{"an agreement not recorded", url.Values{"host": {"AT"}, "sending": {"DE"}, "action": {"hot_pursuit"},
			"at": {"2026-11-28T10:00:00Z"}, "agreement": {"cisa"}}, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", "/v1/provisions/in-force?"+tt.query.Encode(), observer, nil)
			if r.status != tt.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.status)
			}
			p := r.problem(t)
			for _, f := range tt.fields {
				if !slices.ContainsFunc(p.Errors, func(fp domain.FieldProblem) bool { return fp.Field == f }) {
					t.Errorf("no problem with %s in %s", f, r.body)
				}
			}
		})
	}
}
