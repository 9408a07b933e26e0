package state

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Event type names. They are stable forever.
const (
	RegisteredType         = "jointops.state.registered"
	TerritoryRedrawnType   = "jointops.state.territory_redrawn"
	LandBorderDeclaredType = "jointops.state.land_border_declared"
)

// Registered: a state became known with its territory.
type Registered struct {
	Code      domain.StateCode `json:"code"`
	Name      string           `json:"name"`
	Territory geo.MultiPolygon `json:"territory"`
}

// TerritoryRedrawn: the state's territory was replaced by a new geometry.
type TerritoryRedrawn struct {
	Code      domain.StateCode `json:"code"`
	Territory geo.MultiPolygon `json:"territory"`
}

// LandBorderDeclared: the land border with a neighbour was declared, or
// redeclared (replacing the earlier line).
type LandBorderDeclared struct {
	Code      domain.StateCode `json:"code"`
	Neighbour domain.StateCode `json:"neighbour"`
	Line      geo.Line         `json:"line"`
}

// EventType implements domain.Payload.
func (Registered) EventType() string { return RegisteredType }

// SchemaVersion implements domain.Payload.
func (Registered) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (TerritoryRedrawn) EventType() string { return TerritoryRedrawnType }

// SchemaVersion implements domain.Payload.
func (TerritoryRedrawn) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (LandBorderDeclared) EventType() string { return LandBorderDeclaredType }

// SchemaVersion implements domain.Payload.
func (LandBorderDeclared) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(Registered) },
		func() domain.Payload { return new(TerritoryRedrawn) },
		func() domain.Payload { return new(LandBorderDeclared) },
	)
}
