package state

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// StreamPrefix begins the name of every state stream.
const StreamPrefix = "state-"

// Stream names the stream of the state with code c.
func Stream(c domain.StateCode) string { return StreamPrefix + c.String() }

// Rejection codes.
const (
	CodeAlreadyRegistered  domain.Code = "state.already_registered"
	CodeNotRegistered      domain.Code = "state.not_registered"
	CodeBorderWithItself   domain.Code = "state.border_with_itself"
	CodeTerritoryUnchanged domain.Code = "state.territory_unchanged"
)

// State is the State aggregate. Build it with New, replay its stream, then
// decide. It is not safe for concurrent use.
type State struct {
	root       domain.Root
	code       domain.StateCode
	registered bool
	name       string
	territory  geo.MultiPolygon
	borders    map[domain.StateCode]geo.Line
}

// New returns the empty aggregate of the state with code c.
func New(c domain.StateCode) *State {
	return &State{root: domain.NewRoot(Stream(c)), code: c, borders: map[domain.StateCode]geo.Line{}}
}

var _ domain.Aggregate = (*State)(nil)

// Stream implements domain.Aggregate.
func (s *State) Stream() string { return s.root.Stream() }

// Version implements domain.Aggregate.
func (s *State) Version() uint64 { return s.root.Version() }

// Changes implements domain.Aggregate.
func (s *State) Changes() []domain.Event { return s.root.Changes() }

// Commit implements domain.Aggregate.
func (s *State) Commit() { s.root.Commit() }

// Replay implements domain.Aggregate.
func (s *State) Replay(e domain.Event) {
	s.apply(e.Payload)
	s.root.Replayed()
}

func (s *State) raise(m domain.Meta, p domain.Payload) {
	s.apply(p)
	s.root.Record(m.Event(p))
}

func (s *State) apply(p domain.Payload) {
	switch e := p.(type) {
	case *Registered:
		s.registered, s.name, s.territory = true, e.Name, e.Territory
	case *TerritoryRedrawn:
		s.territory = e.Territory
	case *LandBorderDeclared:
		s.borders[e.Neighbour] = e.Line
	}
}

// Register records the state with its name and territory.
func (s *State) Register(m domain.Meta, name string, territory geo.MultiPolygon) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if s.code.IsZero() {
		p.Add("code", "required")
	}
	p.RequireText("name", name, domain.MaxName)
	if territory.IsZero() {
		p.Add("territory", "required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if s.registered {
		return domain.Reject(CodeAlreadyRegistered, "state %s is already registered", s.code)
	}
	s.raise(m, &Registered{Code: s.code, Name: name, Territory: territory})
	return nil
}

// RedrawTerritory replaces the territory.
func (s *State) RedrawTerritory(m domain.Meta, territory geo.MultiPolygon) error {
	if err := s.checkRegistered(m); err != nil {
		return err
	}
	if territory.IsZero() {
		var p domain.Problems
		p.Add("territory", "required")
		return p.Err()
	}
	if s.territory.Orb().Equal(territory.Orb()) {
		return domain.Reject(CodeTerritoryUnchanged, "the territory of %s is already this geometry", s.code)
	}
	s.raise(m, &TerritoryRedrawn{Code: s.code, Territory: territory})
	return nil
}

// DeclareLandBorder records (or replaces) the land border with neighbour.
func (s *State) DeclareLandBorder(m domain.Meta, neighbour domain.StateCode, line geo.Line) error {
	if err := s.checkRegistered(m); err != nil {
		return err
	}
	var p domain.Problems
	if neighbour.IsZero() {
		p.Add("neighbour", "required")
	}
	if line.IsZero() {
		p.Add("line", "required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if neighbour == s.code {
		return domain.Reject(CodeBorderWithItself, "state %s cannot border itself", s.code)
	}
	s.raise(m, &LandBorderDeclared{Code: s.code, Neighbour: neighbour, Line: line})
	return nil
}

func (s *State) checkRegistered(m domain.Meta) error {
	if err := m.Check(); err != nil {
		return err
	}
	if !s.registered {
		return domain.Missing(CodeNotRegistered, "state %s is not registered", s.code)
	}
	return nil
}

// Code returns the state's ISO code.
func (s *State) Code() domain.StateCode { return s.code }

// Registered reports whether the state was registered.
func (s *State) Registered() bool { return s.registered }

// Name returns the state's name.
func (s *State) Name() string { return s.name }

// Territory returns the state's territory.
func (s *State) Territory() geo.MultiPolygon { return s.territory }

// Neighbours returns the codes of the states it has declared land borders
// with, in order.
func (s *State) Neighbours() []domain.StateCode {
	out := make([]domain.StateCode, 0, len(s.borders))
	for c := range s.borders {
		out = append(out, c)
	}
	slices.SortFunc(out, domain.StateCode.Compare)
	return out
}

// Contains reports whether pt lies in the state's territory.
func (s *State) Contains(pt geo.Point) bool { return s.territory.Contains(pt) }

// NearestLandBorder returns the neighbour whose land border is nearest to
// pt and the distance in metres; ok is false without declared borders.
func (s *State) NearestLandBorder(pt geo.Point) (neighbour domain.StateCode, metres float64, ok bool) {
	for _, c := range s.Neighbours() {
		d := s.borders[c].Distance(pt)
		if !ok || d < metres {
			neighbour, metres, ok = c, d, true
		}
	}
	return neighbour, metres, ok
}
