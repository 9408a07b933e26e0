package webui

import (
	"context"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// MapSource gives the reference geography drawn under the board: states
// with their territories and land borders. It is reference data, the same
// for every agency, so map.json is served without a token.
type MapSource interface {
	// States returns the states to draw. It is called for each page load
	// and must be safe for concurrent use.
	States(ctx context.Context) ([]State, error)
}

// State is one state as the map draws it.
type State struct {
	Code domain.StateCode `json:"code"`
	Name string           `json:"name"`
	// Territory is the state's territory; zero when unknown.
	Territory geo.MultiPolygon `json:"territory,omitzero"`
	// Borders are the state's declared land borders.
	Borders []Border `json:"borders,omitempty"`
}

// Border is a land border with a neighbouring state.
type Border struct {
	Neighbour domain.StateCode `json:"neighbour"`
	Line      geo.Line         `json:"line"`
}

// StaticMap is a MapSource of fixed states, such as a demo world's.
type StaticMap []State

// States returns the fixed states.
func (m StaticMap) States(context.Context) ([]State, error) { return m, nil }

var _ MapSource = StaticMap(nil)

// mapDocument is the JSON of map.json.
type mapDocument struct {
	States []State `json:"states"`
}
