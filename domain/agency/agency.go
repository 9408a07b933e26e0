package agency

import (
	"slices"

	"github.com/jointops/jointops/domain"
)

// StreamPrefix begins the name of every agency stream.
const StreamPrefix = "agency-"

// Stream names the stream of agency id.
func Stream(id domain.AgencyID) string { return StreamPrefix + id.String() }

// Rejection codes.
const (
	CodeAlreadyRegistered   domain.Code = "agency.already_registered"
	CodeNotRegistered       domain.Code = "agency.not_registered"
	CodeNotOwnAgency        domain.Code = "agency.not_own_agency"
	CodeContactPointExists  domain.Code = "agency.contact_point_exists"
	CodeContactPointUnknown domain.Code = "agency.contact_point_unknown"
)

// ContactPoint is a designated contact point: the input of
// DesignateContactPoint and what ContactPoints returns.
type ContactPoint struct {
	ID      domain.ContactPointID
	Purpose Purpose
	Name    string
	Channel Channel
	Address string
}

// Agency is the Agency aggregate. It is not safe for concurrent use.
type Agency struct {
	root       domain.Root
	id         domain.AgencyID
	registered bool
	state      domain.StateCode
	name       string
	kind       Kind
	contacts   map[domain.ContactPointID]ContactPoint
	withdrawn  map[domain.ContactPointID]bool
}

// New returns the empty aggregate of agency id.
func New(id domain.AgencyID) *Agency {
	return &Agency{
		root: domain.NewRoot(Stream(id)), id: id,
		contacts: map[domain.ContactPointID]ContactPoint{}, withdrawn: map[domain.ContactPointID]bool{},
	}
}

var _ domain.Aggregate = (*Agency)(nil)

// Stream implements domain.Aggregate.
func (a *Agency) Stream() string { return a.root.Stream() }

// Version implements domain.Aggregate.
func (a *Agency) Version() uint64 { return a.root.Version() }

// Changes implements domain.Aggregate.
func (a *Agency) Changes() []domain.Event { return a.root.Changes() }

// Commit implements domain.Aggregate.
func (a *Agency) Commit() { a.root.Commit() }

// Replay implements domain.Aggregate.
func (a *Agency) Replay(e domain.Event) {
	a.apply(e.Payload)
	a.root.Replayed()
}

func (a *Agency) raise(m domain.Meta, p domain.Payload) {
	a.apply(p)
	a.root.Record(m.Event(p))
}

func (a *Agency) apply(p domain.Payload) {
	switch e := p.(type) {
	case *Registered:
		a.registered, a.state, a.name, a.kind = true, e.State, e.Name, e.Kind
	case *ContactPointDesignated:
		a.contacts[e.ContactPointID] = ContactPoint{
			ID: e.ContactPointID, Purpose: e.Purpose, Name: e.Name, Channel: e.Channel, Address: e.Address,
		}
	case *ContactPointWithdrawn:
		delete(a.contacts, e.ContactPointID)
		a.withdrawn[e.ContactPointID] = true
	}
}

// Register records the agency: its state, name and kind.
func (a *Agency) Register(m domain.Meta, st domain.StateCode, name string, kind Kind) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if a.id.IsZero() {
		p.Add("agency_id", "required")
	}
	if st.IsZero() {
		p.Add("state", "required")
	}
	p.RequireText("name", name, domain.MaxName)
	if !kind.Valid() {
		p.Addf("kind", "unknown kind %q", kind)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if a.registered {
		return domain.Reject(CodeAlreadyRegistered, "agency %s is already registered", a.id)
	}
	a.raise(m, &Registered{AgencyID: a.id, State: st, Name: name, Kind: kind})
	return nil
}

// DesignateContactPoint adds a contact point. Only the agency itself may.
func (a *Agency) DesignateContactPoint(m domain.Meta, s ContactPoint) error {
	if err := a.checkOwn(m); err != nil {
		return err
	}
	var p domain.Problems
	if s.ID.IsZero() {
		p.Add("id", "required")
	}
	if !s.Purpose.Valid() {
		p.Addf("purpose", "unknown purpose %q", s.Purpose)
	}
	p.RequireText("name", s.Name, domain.MaxName)
	if !s.Channel.Valid() {
		p.Addf("channel", "unknown channel %q", s.Channel)
	}
	p.RequireText("address", s.Address, domain.MaxName)
	if err := p.Err(); err != nil {
		return err
	}
	if _, ok := a.contacts[s.ID]; ok || a.withdrawn[s.ID] {
		return domain.Reject(CodeContactPointExists, "contact point %s was already designated", s.ID)
	}
	a.raise(m, &ContactPointDesignated{
		AgencyID: a.id, ContactPointID: s.ID, Purpose: s.Purpose, Name: s.Name, Channel: s.Channel, Address: s.Address,
	})
	return nil
}

// WithdrawContactPoint removes a designated contact point. Only the agency
// itself may.
func (a *Agency) WithdrawContactPoint(m domain.Meta, id domain.ContactPointID) error {
	if err := a.checkOwn(m); err != nil {
		return err
	}
	if _, ok := a.contacts[id]; !ok {
		return domain.Missing(CodeContactPointUnknown, "agency %s has no contact point %s", a.id, id)
	}
	a.raise(m, &ContactPointWithdrawn{AgencyID: a.id, ContactPointID: id})
	return nil
}

func (a *Agency) checkOwn(m domain.Meta) error {
	if err := m.Check(); err != nil {
		return err
	}
	if !a.registered {
		return domain.Missing(CodeNotRegistered, "agency %s is not registered", a.id)
	}
	if m.Actor().Agency != a.id {
		return domain.Forbid(CodeNotOwnAgency, "only agency %s manages its contact points", a.id)
	}
	return nil
}

// ID returns the agency's ID.
func (a *Agency) ID() domain.AgencyID { return a.id }

// Registered reports whether the agency was registered.
func (a *Agency) Registered() bool { return a.registered }

// State returns the state the agency belongs to.
func (a *Agency) State() domain.StateCode { return a.state }

// Name returns the agency's name.
func (a *Agency) Name() string { return a.name }

// Kind returns the agency's kind.
func (a *Agency) Kind() Kind { return a.kind }

// ContactPoints returns the current contact points for purpose, ordered by
// ID.
func (a *Agency) ContactPoints(purpose Purpose) []ContactPoint {
	var out []ContactPoint
	for _, c := range a.contacts {
		if c.Purpose == purpose {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y ContactPoint) int { return x.ID.Compare(y.ID) })
	return out
}
