package webui

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/jointops/jointops/domain"
)

// DemoToken is one ready-made token of a demo world, as the page lists it
// in its agency switcher. The demo endpoint (Config.DemoTokensPath) answers
// GET with DemoTokens as JSON. Tokens are secrets: only a demo server,
// whose world is made up, may hand them out like this.
type DemoToken struct {
	// Agency is the token's agency, AgencyName how the page names it and
	// State the agency's state.
	Agency     domain.AgencyID  `json:"agency"`
	AgencyName string           `json:"agency_name"`
	State      domain.StateCode `json:"state,omitzero"`
	// Role is the token's role: commander, field_unit, observer, …
	Role string `json:"role"`
	// Subject is the token's subject: a unit ID for a field unit, a person
	// ID otherwise.
	Subject string `json:"subject"`
	// Label names the principal for people, such as "AT-7 (patrol)".
	Label string `json:"label,omitempty"`
	// Token is the bearer token itself.
	Token string `json:"token"`
}

// DemoTokens is the JSON document of the demo tokens endpoint.
type DemoTokens struct {
	// Operation is the demo operation the page opens first, if any.
	Operation domain.OperationID `json:"operation_id,omitzero"`
	Tokens    []DemoToken        `json:"tokens"`
}

// DemoTokensHandler serves list as the demo tokens endpoint: GET or HEAD,
// JSON, never cached.
func DemoTokensHandler(list DemoTokens) (http.Handler, error) {
	if list.Tokens == nil {
		list.Tokens = []DemoToken{}
	}
	for i, t := range list.Tokens {
		if t.Agency.IsZero() || t.Token == "" || t.Role == "" {
			return nil, fmt.Errorf("demo tokens[%d]: agency, role and token are required", i)
		}
	}
	body, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("demo tokens: %w", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeBody(w, r, "application/json", body)
	}), nil
}
