package domain

import (
	"encoding/json"
	"fmt"
)

// StateCode is an ISO 3166-1 alpha-2 country code such as "DE".
type StateCode struct{ code string }

// ParseStateCode accepts exactly two upper-case ASCII letters.
func ParseStateCode(s string) (StateCode, error) {
	if len(s) != 2 || !upper(s[0]) || !upper(s[1]) {
		return StateCode{}, fmt.Errorf("state code %q: want two upper-case letters (ISO 3166-1 alpha-2)", s)
	}
	return StateCode{code: s}, nil
}

func upper(c byte) bool { return c >= 'A' && c <= 'Z' }

// String returns the two-letter code.
func (c StateCode) String() string { return c.code }

// IsZero reports whether c is unset.
func (c StateCode) IsZero() bool { return c.code == "" }

// Compare orders codes alphabetically.
func (c StateCode) Compare(o StateCode) int {
	switch {
	case c.code < o.code:
		return -1
	case c.code > o.code:
		return 1
	}
	return 0
}

// MarshalText writes the code.
func (c StateCode) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText parses and validates a code.
func (c *StateCode) UnmarshalText(b []byte) error {
	v, err := ParseStateCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// LegalRef names the legal basis of an action or operation: an instrument
// (treaty, MoU, national declaration) and optionally a provision of it, such
// as "CISA" "Art. 41(2)(a)". The instruments themselves are versioned data
// held outside the domain model.
type LegalRef struct {
	instrument, provision string
}

// NewLegalRef validates and builds a legal reference.
func NewLegalRef(instrument, provision string) (LegalRef, error) {
	var p Problems
	p.RequireText("instrument", instrument, MaxName)
	p.OptionalText("provision", provision, MaxName)
	if err := p.Err(); err != nil {
		return LegalRef{}, err
	}
	return LegalRef{instrument: instrument, provision: provision}, nil
}

// Instrument returns the treaty, MoU or declaration.
func (r LegalRef) Instrument() string { return r.instrument }

// Provision returns the article or clause, possibly empty.
func (r LegalRef) Provision() string { return r.provision }

// IsZero reports whether r is unset.
func (r LegalRef) IsZero() bool { return r.instrument == "" }

// String renders "instrument provision".
func (r LegalRef) String() string {
	if r.provision == "" {
		return r.instrument
	}
	return r.instrument + " " + r.provision
}

type legalRefJSON struct {
	Instrument string `json:"instrument"`
	Provision  string `json:"provision,omitempty"`
}

// MarshalJSON writes {"instrument": …, "provision": …}.
func (r LegalRef) MarshalJSON() ([]byte, error) {
	return json.Marshal(legalRefJSON{Instrument: r.instrument, Provision: r.provision})
}

// UnmarshalJSON reads and validates a legal reference.
func (r *LegalRef) UnmarshalJSON(b []byte) error {
	var w legalRefJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v, err := NewLegalRef(w.Instrument, w.Provision)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// PersonRef names an officer together with the agency they serve, because
// several rules (one commander per agency) depend on the agency.
type PersonRef struct {
	person PersonID
	agency AgencyID
}

// NewPersonRef builds a reference; both IDs are required.
func NewPersonRef(person PersonID, agency AgencyID) (PersonRef, error) {
	var p Problems
	if person.IsZero() {
		p.Add("person", "required")
	}
	if agency.IsZero() {
		p.Add("agency", "required")
	}
	if err := p.Err(); err != nil {
		return PersonRef{}, err
	}
	return PersonRef{person: person, agency: agency}, nil
}

// Person returns the officer.
func (r PersonRef) Person() PersonID { return r.person }

// Agency returns the officer's agency.
func (r PersonRef) Agency() AgencyID { return r.agency }

// IsZero reports whether r is unset.
func (r PersonRef) IsZero() bool { return r.person.IsZero() }

type personRefJSON struct {
	Person PersonID `json:"person"`
	Agency AgencyID `json:"agency"`
}

// MarshalJSON writes {"person": …, "agency": …}.
func (r PersonRef) MarshalJSON() ([]byte, error) {
	return json.Marshal(personRefJSON{Person: r.person, Agency: r.agency})
}

// UnmarshalJSON reads and validates a person reference.
func (r *PersonRef) UnmarshalJSON(b []byte) error {
	var w personRefJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v, err := NewPersonRef(w.Person, w.Agency)
	if err != nil {
		return err
	}
	*r = v
	return nil
}
