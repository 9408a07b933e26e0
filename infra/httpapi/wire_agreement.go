package httpapi

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// The wire forms of agreements and provisions. Their terms are decoded
// into plain fields; state codes and times are parsed here, everything else
// is validated by the aggregate, whose problems name the same paths
// ("terms.limits.distance_km").

// validityIn is {"from", "until"?}.
type validityIn struct {
	From  string `json:"from"`
	Until string `json:"until,omitempty"`
}

func (w *validityIn) build(p *domain.Problems, field string) agreement.Validity {
	if w == nil {
		return agreement.Validity{}
	}
	return agreement.Validity{
		From:  parseTime(p, domain.JoinPath(field, "from"), w.From),
		Until: parseTime(p, domain.JoinPath(field, "until"), w.Until),
	}
}

// agreementTermsIn is the terms of an agreement.
type agreementTermsIn struct {
	Title      string      `json:"title"`
	Instrument string      `json:"instrument"`
	Parties    []string    `json:"parties"`
	Language   string      `json:"language"`
	InForce    *validityIn `json:"in_force"`
	Source     string      `json:"source,omitempty"`
	Demo       bool        `json:"demo,omitempty"`
}

func (w *agreementTermsIn) build(p *domain.Problems, field string) agreement.Terms {
	if w == nil {
		p.Add(field, "required")
		return agreement.Terms{}
	}
	return agreement.Terms{
		Title:      w.Title,
		Instrument: w.Instrument,
		Parties:    parseStates(p, domain.JoinPath(field, "parties"), w.Parties),
		Language:   w.Language,
		InForce:    w.InForce.build(p, domain.JoinPath(field, "in_force")),
		Source:     w.Source,
		Demo:       w.Demo,
	}
}

// provisionTermsIn is the terms of a provision. The nested objects of
// plain values decode straight into the domain's types.
type provisionTermsIn struct {
	Article       string                  `json:"article"`
	Title         string                  `json:"title"`
	Text          string                  `json:"text,omitempty"`
	Action        string                  `json:"action"`
	Hosts         []string                `json:"hosts,omitempty"`
	Senders       []string                `json:"senders,omitempty"`
	Refines       *agreement.ProvisionRef `json:"refines,omitempty"`
	Offences      agreement.Offences      `json:"offences"`
	Authorisation agreement.Authorisation `json:"authorisation"`
	Notification  agreement.Notification  `json:"notification"`
	Limits        agreement.Limits        `json:"limits"`
	Apprehension  string                  `json:"apprehension"`
	Handover      agreement.Handover      `json:"handover"`
	Modes         []agreement.Mode        `json:"modes"`
	Weapons       string                  `json:"weapons"`
	HostPresence  bool                    `json:"host_presence,omitempty"`
	Report        agreement.Report        `json:"report"`
	Conditions    []string                `json:"conditions,omitempty"`
	Validity      *validityIn             `json:"validity"`
}

func (w *provisionTermsIn) build(p *domain.Problems, field string) agreement.ProvisionTerms {
	if w == nil {
		p.Add(field, "required")
		return agreement.ProvisionTerms{}
	}
	t := agreement.ProvisionTerms{
		Article: w.Article, Title: w.Title, Text: w.Text,
		Action:        agreement.Action(w.Action),
		Hosts:         parseStates(p, domain.JoinPath(field, "hosts"), w.Hosts),
		Senders:       parseStates(p, domain.JoinPath(field, "senders"), w.Senders),
		Offences:      w.Offences,
		Authorisation: w.Authorisation,
		Notification:  w.Notification,
		Limits:        w.Limits,
		Apprehension:  agreement.Apprehension(w.Apprehension),
		Handover:      w.Handover,
		Modes:         w.Modes,
		Weapons:       agreement.Weapons(w.Weapons),
		HostPresence:  w.HostPresence,
		Report:        w.Report,
		Conditions:    w.Conditions,
		Validity:      w.Validity.build(p, domain.JoinPath(field, "validity")),
	}
	if w.Refines != nil {
		t.Refines = *w.Refines
	}
	return t
}

// parseKey reads a required agreement or provision key.
func parseKey(p *domain.Problems, field, s string) agreement.Key {
	if s == "" {
		p.Add(field, "required")
		return ""
	}
	k, err := agreement.ParseKey(s)
	if err != nil {
		p.Add(field, "must be 2–64 characters of a–z and 0–9, separated by single '-' or '.', such as cisa or art41")
	}
	return k
}
