package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// Agreements, their provisions and national declarations: reference data
// that administrators record and change, each change with the time it
// takes effect; every principal reads them and asks which provision is in
// force.

func (a *api) agreementRoutes() []route {
	return []route{
		{"POST", "/v1/agreements", create[agreementRecordIn](a, (*agreementRecordIn).build, a.cmds.RecordAgreement,
			func(in commands.AgreementRecord) string { return "/v1/agreements/" + in.Agreement.String() })},
		{"POST", "/v1/agreements/{agreement}/amend", command[agreementAmendIn](a, (*agreementAmendIn).build, a.cmds.AmendAgreement)},
		{"POST", "/v1/agreements/{agreement}/suspend", command[agreementStatusIn](a, (*agreementStatusIn).build, a.cmds.SuspendAgreement)},
		{"POST", "/v1/agreements/{agreement}/reinstate", command[agreementStatusIn](a, (*agreementStatusIn).build, a.cmds.ReinstateAgreement)},
		{"POST", "/v1/agreements/{agreement}/supersede", command[agreementSupersedeIn](a, (*agreementSupersedeIn).build, a.cmds.SupersedeAgreement)},
		{"POST", "/v1/agreements/{agreement}/provisions", create[provisionIn](a, (*provisionIn).build, a.cmds.RecordProvision,
			func(in commands.ProvisionRecord) string {
				return "/v1/agreements/" + in.Agreement.String() + "/provisions/" + in.Provision.String()
			})},
		{"POST", "/v1/agreements/{agreement}/provisions/{provision}/amend",
			command[provisionAmendIn](a, (*provisionAmendIn).build, a.cmds.AmendProvision)},
		{"POST", "/v1/agreements/{agreement}/provisions/{provision}/suspend",
			command[provisionStatusIn](a, (*provisionStatusIn).build, a.cmds.SuspendProvision)},
		{"POST", "/v1/agreements/{agreement}/provisions/{provision}/reinstate",
			command[provisionStatusIn](a, (*provisionStatusIn).build, a.cmds.ReinstateProvision)},
		{"POST", "/v1/agreements/{agreement}/provisions/{provision}/supersede",
			command[provisionSupersedeIn](a, (*provisionSupersedeIn).build, a.cmds.SupersedeProvision)},
		{"GET", "/v1/agreements/{agreement}", a.getAgreement},
		{"GET", "/v1/provisions/in-force", a.getProvisionInForce},
	}
}

// pathKey parses the agreement or provision key in the path segment name.
func pathKey(r *http.Request, p *domain.Problems, name string) agreement.Key {
	return parseKey(p, name, r.PathValue(name))
}

type agreementRecordIn struct {
	commandIn
	Key   string            `json:"key"`
	Kind  string            `json:"kind"`
	Terms *agreementTermsIn `json:"terms"`
}

func (b *agreementRecordIn) build(_ *http.Request, at time.Time, p *domain.Problems) commands.AgreementRecord {
	return commands.AgreementRecord{
		Agreement:  parseKey(p, "key", b.Key),
		OccurredAt: at,
		Kind:       agreement.Kind(b.Kind),
		Terms:      b.Terms.build(p, "terms"),
	}
}

type agreementAmendIn struct {
	commandIn
	EffectiveAt string            `json:"effective_at"`
	Terms       *agreementTermsIn `json:"terms"`
}

func (b *agreementAmendIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.AgreementAmendment {
	return commands.AgreementAmendment{
		Agreement:   pathKey(r, p, "agreement"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		Terms:       b.Terms.build(p, "terms"),
	}
}

type agreementStatusIn struct {
	commandIn
	EffectiveAt string `json:"effective_at"`
	Reason      string `json:"reason"`
}

func (b *agreementStatusIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.AgreementStatusChange {
	return commands.AgreementStatusChange{
		Agreement:   pathKey(r, p, "agreement"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		Reason:      b.Reason,
	}
}

type agreementSupersedeIn struct {
	commandIn
	EffectiveAt string `json:"effective_at"`
	By          string `json:"by"`
	Reason      string `json:"reason"`
}

func (b *agreementSupersedeIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.AgreementSupersession {
	return commands.AgreementSupersession{
		Agreement:   pathKey(r, p, "agreement"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		By:          parseKey(p, "by", b.By),
		Reason:      b.Reason,
	}
}

type provisionIn struct {
	commandIn
	Key   string            `json:"key"`
	Terms *provisionTermsIn `json:"terms"`
}

func (b *provisionIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ProvisionRecord {
	return commands.ProvisionRecord{
		Agreement:  pathKey(r, p, "agreement"),
		Provision:  parseKey(p, "key", b.Key),
		OccurredAt: at,
		Terms:      b.Terms.build(p, "terms"),
	}
}

type provisionAmendIn struct {
	commandIn
	EffectiveAt string            `json:"effective_at"`
	Terms       *provisionTermsIn `json:"terms"`
}

func (b *provisionAmendIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ProvisionAmendment {
	return commands.ProvisionAmendment{
		Agreement:   pathKey(r, p, "agreement"),
		Provision:   pathKey(r, p, "provision"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		Terms:       b.Terms.build(p, "terms"),
	}
}

type provisionStatusIn struct {
	commandIn
	EffectiveAt string `json:"effective_at"`
	Reason      string `json:"reason"`
}

func (b *provisionStatusIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ProvisionStatusChange {
	return commands.ProvisionStatusChange{
		Agreement:   pathKey(r, p, "agreement"),
		Provision:   pathKey(r, p, "provision"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		Reason:      b.Reason,
	}
}

type provisionRefIn struct {
	Agreement string `json:"agreement"`
	Provision string `json:"provision"`
}

type provisionSupersedeIn struct {
	commandIn
	EffectiveAt string          `json:"effective_at"`
	By          *provisionRefIn `json:"by"`
	Reason      string          `json:"reason"`
}

func (b *provisionSupersedeIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ProvisionSupersession {
	var by agreement.ProvisionRef
	if b.By == nil {
		p.Add("by", "required")
	} else {
		by = agreement.ProvisionRef{Agreement: parseKey(p, "by.agreement", b.By.Agreement),
			Provision: parseKey(p, "by.provision", b.By.Provision)}
	}
	return commands.ProvisionSupersession{
		Agreement:   pathKey(r, p, "agreement"),
		Provision:   pathKey(r, p, "provision"),
		OccurredAt:  at,
		EffectiveAt: requireTime(p, "effective_at", b.EffectiveAt),
		By:          by,
		Reason:      b.Reason,
	}
}

func (a *api) getAgreement(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	k := pathKey(r, &probs, "agreement")
	if err := probs.Err(); err != nil {
		return err
	}
	v, err := a.cmds.AgreementOf(r.Context(), p, k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// getProvisionInForce answers ?host=&sending=&action=&at=&agreement=…
// (agreement repeated for each agreement to consider), and optionally
// &authorisation= (prior, urgent or not_required).
func (a *api) getProvisionInForce(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	qs := r.URL.Query()
	for _, name := range []string{"host", "sending", "action", "at", "authorisation"} {
		if len(qs[name]) > 1 {
			probs.Add(name, "give it once")
		}
	}
	q := agreement.Query{
		Host:    requireState(&probs, "host", qs.Get("host")),
		Sending: requireState(&probs, "sending", qs.Get("sending")),
		Action:  agreement.Action(qs.Get("action")),
		At:      requireTime(&probs, "at", qs.Get("at")),
		// Checked by the query itself, with the rest of its meaning.
		Authorisation: agreement.AuthorisationMode(qs.Get("authorisation")),
	}
	switch {
	case q.Action == "":
		probs.Add("action", "required")
	case !q.Action.Valid():
		probs.Addf("action", "unknown action %q", q.Action)
	}
	var keys []agreement.Key
	for i, s := range qs["agreement"] {
		keys = append(keys, parseKey(&probs, domain.Index("agreement", i), s))
	}
	if len(keys) == 0 {
		probs.Add("agreement", "name at least one agreement to consider")
	}
	if err := probs.Err(); err != nil {
		return err
	}
	res, err := a.cmds.ProvisionInForce(r.Context(), p, keys, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// requireState is parseState for a required field.
func requireState(p *domain.Problems, field, s string) domain.StateCode {
	if s == "" {
		p.Add(field, "required")
	}
	return parseState(p, field, s)
}
