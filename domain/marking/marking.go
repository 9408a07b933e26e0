package marking

import (
	"encoding/json"
	"slices"

	"github.com/jointops/jointops/domain"
)

// Recipients is an explicit releasable-to list: agencies, and states whose
// agencies are all included. It is kept sorted and without duplicates, so
// equal lists compare equal.
type Recipients struct {
	agencies []domain.AgencyID
	states   []domain.StateCode
}

// NewRecipients builds a canonical list; zero IDs and codes are rejected.
func NewRecipients(agencies []domain.AgencyID, states []domain.StateCode) (Recipients, error) {
	var p domain.Problems
	for i, a := range agencies {
		if a.IsZero() {
			p.Add(domain.Index("agencies", i), "required")
		}
	}
	for i, s := range states {
		if s.IsZero() {
			p.Add(domain.Index("states", i), "required")
		}
	}
	if err := p.Err(); err != nil {
		return Recipients{}, err
	}
	var r Recipients
	if len(agencies) > 0 {
		r.agencies = slices.Clone(agencies)
		slices.SortFunc(r.agencies, domain.AgencyID.Compare)
		r.agencies = slices.Compact(r.agencies)
	}
	if len(states) > 0 {
		r.states = slices.Clone(states)
		slices.SortFunc(r.states, domain.StateCode.Compare)
		r.states = slices.Compact(r.states)
	}
	return r, nil
}

// Agencies returns the named agencies.
func (r Recipients) Agencies() []domain.AgencyID { return slices.Clone(r.agencies) }

// States returns the named states.
func (r Recipients) States() []domain.StateCode { return slices.Clone(r.states) }

// IsEmpty reports whether nobody is named.
func (r Recipients) IsEmpty() bool { return len(r.agencies) == 0 && len(r.states) == 0 }

// Includes reports whether the viewer's agency or state is named.
func (r Recipients) Includes(v Viewer) bool {
	return (!v.Agency.IsZero() && slices.Contains(r.agencies, v.Agency)) ||
		(!v.State.IsZero() && slices.Contains(r.states, v.State))
}

// Covers reports whether r names everyone q names.
func (r Recipients) Covers(q Recipients) bool {
	for _, a := range q.agencies {
		if !slices.Contains(r.agencies, a) {
			return false
		}
	}
	for _, s := range q.states {
		if !slices.Contains(r.states, s) {
			return false
		}
	}
	return true
}

// Equal reports whether r and q name the same recipients.
func (r Recipients) Equal(q Recipients) bool {
	return slices.Equal(r.agencies, q.agencies) && slices.Equal(r.states, q.states)
}

// Spec is the input of New.
type Spec struct {
	Originator domain.AgencyID
	TLP        TLP
	Handling   []HandlingCode
	// H3Text states the restriction of H3; required with H3, forbidden
	// without it.
	H3Text string
	// ReleasableTo names the recipients of a RED item, or narrows an AMBER
	// one; other labels take no list.
	ReleasableTo Recipients
	Evaluation   Evaluation
}

// Marking is a validated information-handling marking. Build it with New.
type Marking struct {
	originator   domain.AgencyID
	tlp          TLP
	handling     []HandlingCode // sorted, unique
	h3Text       string
	releasableTo Recipients
	evaluation   Evaluation
}

// New validates a spec and builds a marking.
func New(s Spec) (Marking, error) {
	var p domain.Problems
	if s.Originator.IsZero() {
		p.Add("originator", "required")
	}
	if !s.TLP.Valid() {
		p.Add("tlp", "required: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	}
	for i, c := range s.Handling {
		if !c.Valid() {
			p.Add(domain.Index("handling", i), "not a handling code (H0 to H3)")
		}
	}
	handling := slices.Clone(s.Handling)
	slices.Sort(handling)
	handling = slices.Compact(handling)
	if slices.Contains(handling, H3) {
		p.RequireText("h3_text", s.H3Text, domain.MaxName)
	} else if s.H3Text != "" {
		p.Add("h3_text", "only with handling code H3")
	}
	if !s.ReleasableTo.IsEmpty() && s.TLP != TLPRed && s.TLP != TLPAmber {
		p.Add("releasable_to", "only with TLP:RED (the named recipients) or TLP:AMBER (to narrow it)")
	}
	if s.Evaluation.IsZero() {
		p.Add("evaluation", "required, such as B2")
	}
	if err := p.Err(); err != nil {
		return Marking{}, err
	}
	if len(handling) == 0 {
		handling = nil
	}
	return Marking{
		originator:   s.Originator,
		tlp:          s.TLP,
		handling:     handling,
		h3Text:       s.H3Text,
		releasableTo: s.ReleasableTo,
		evaluation:   s.Evaluation,
	}, nil
}

// Spec returns the parts of m, as New would take them.
func (m Marking) Spec() Spec {
	return Spec{
		Originator:   m.originator,
		TLP:          m.tlp,
		Handling:     slices.Clone(m.handling),
		H3Text:       m.h3Text,
		ReleasableTo: m.releasableTo,
		Evaluation:   m.evaluation,
	}
}

// Originator returns the agency the information comes from.
func (m Marking) Originator() domain.AgencyID { return m.originator }

// TLP returns the label.
func (m Marking) TLP() TLP { return m.tlp }

// Handling returns the handling codes in order.
func (m Marking) Handling() []HandlingCode { return slices.Clone(m.handling) }

// Has reports whether handling code c applies.
func (m Marking) Has(c HandlingCode) bool { return slices.Contains(m.handling, c) }

// H3Text returns the free-text restriction of H3.
func (m Marking) H3Text() string { return m.h3Text }

// ReleasableTo returns the explicit recipients.
func (m Marking) ReleasableTo() Recipients { return m.releasableTo }

// Evaluation returns the 4×4 grade.
func (m Marking) Evaluation() Evaluation { return m.evaluation }

// IsZero reports whether m is unset.
func (m Marking) IsZero() bool { return !m.tlp.Valid() }

// Equal reports whether m and n are the same marking.
func (m Marking) Equal(n Marking) bool {
	return m.originator == n.originator && m.tlp == n.tlp && slices.Equal(m.handling, n.handling) &&
		m.h3Text == n.h3Text && m.releasableTo.Equal(n.releasableTo) && m.evaluation == n.evaluation
}

type recipientsJSON struct {
	Agencies []domain.AgencyID  `json:"agencies,omitempty"`
	States   []domain.StateCode `json:"states,omitempty"`
}

type markingJSON struct {
	Originator   domain.AgencyID `json:"originator"`
	TLP          TLP             `json:"tlp"`
	Handling     []HandlingCode  `json:"handling,omitempty"`
	H3Text       string          `json:"h3_text,omitempty"`
	ReleasableTo *recipientsJSON `json:"releasable_to,omitempty"`
	Evaluation   Evaluation      `json:"evaluation"`
}

// MarshalJSON writes the marking with snake_case fields.
func (m Marking) MarshalJSON() ([]byte, error) {
	w := markingJSON{
		Originator: m.originator, TLP: m.tlp, Handling: m.handling, H3Text: m.h3Text, Evaluation: m.evaluation,
	}
	if !m.releasableTo.IsEmpty() {
		w.ReleasableTo = &recipientsJSON{Agencies: m.releasableTo.agencies, States: m.releasableTo.states}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads and validates a marking.
func (m *Marking) UnmarshalJSON(b []byte) error {
	var w markingJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s := Spec{Originator: w.Originator, TLP: w.TLP, Handling: w.Handling, H3Text: w.H3Text, Evaluation: w.Evaluation}
	if w.ReleasableTo != nil {
		r, err := NewRecipients(w.ReleasableTo.Agencies, w.ReleasableTo.States)
		if err != nil {
			return err
		}
		s.ReleasableTo = r
	}
	v, err := New(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
