package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
)

// Reference data: states with their territories and borders, agencies with
// their contact points. Administrators maintain it.

func (a *api) referenceRoutes() []route {
	return []route{
		{"POST", "/v1/states", create[stateIn](a, (*stateIn).build, a.cmds.RegisterState,
			func(in commands.StateRegistration) string { return "/v1/states/" + in.State.String() })},
		{"POST", "/v1/states/{state}/territory", command[territoryIn](a, (*territoryIn).build, a.cmds.RedrawTerritory)},
		{"POST", "/v1/states/{state}/borders", command[borderIn](a, (*borderIn).build, a.cmds.DeclareLandBorder)},
		{"POST", "/v1/agencies", create[agencyIn](a, (*agencyIn).build, a.cmds.RegisterAgency,
			func(in commands.AgencyRegistration) string { return "/v1/agencies/" + in.Agency.String() })},
		{"POST", "/v1/agencies/{agency}/contact-points", create[contactPointIn](a, (*contactPointIn).build, a.cmds.DesignateContactPoint,
			func(in commands.ContactPointDesignation) string {
				return "/v1/agencies/" + in.Agency.String() + "/contact-points/" + in.ContactPoint.ID.String()
			})},
		{"POST", "/v1/agencies/{agency}/contact-points/{contact_point}/withdraw",
			command[withdrawContactPointIn](a, (*withdrawContactPointIn).build, a.cmds.WithdrawContactPoint)},
	}
}

// pathState parses the state code in the path.
func pathState(r *http.Request, p *domain.Problems) domain.StateCode {
	s := r.PathValue("state")
	if s == "" {
		p.Add("state", "required")
	}
	return parseState(p, "state", s)
}

type stateIn struct {
	commandIn
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Territory *multiPolygonIn `json:"territory"`
}

func (b *stateIn) build(_ *http.Request, at time.Time, p *domain.Problems) commands.StateRegistration {
	if b.Code == "" {
		p.Add("code", "required")
	}
	return commands.StateRegistration{
		State:      parseState(p, "code", b.Code),
		OccurredAt: at,
		Name:       b.Name,
		Territory:  b.Territory.build(p, "territory"),
	}
}

type territoryIn struct {
	commandIn
	Territory *multiPolygonIn `json:"territory"`
}

func (b *territoryIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TerritoryRedrawing {
	return commands.TerritoryRedrawing{
		State:      pathState(r, p),
		OccurredAt: at,
		Territory:  b.Territory.build(p, "territory"),
	}
}

type borderIn struct {
	commandIn
	Neighbour string  `json:"neighbour"`
	Line      *lineIn `json:"line"`
}

func (b *borderIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.BorderDeclaration {
	return commands.BorderDeclaration{
		State:      pathState(r, p),
		OccurredAt: at,
		Neighbour:  parseState(p, "neighbour", b.Neighbour),
		Line:       b.Line.build(p, "line"),
	}
}

type agencyIn struct {
	commandIn
	ID    string `json:"id"`
	State string `json:"state"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
}

func (b *agencyIn) build(_ *http.Request, at time.Time, p *domain.Problems) commands.AgencyRegistration {
	return commands.AgencyRegistration{
		Agency:     requireID[domain.AgencyID](p, "id", b.ID),
		OccurredAt: at,
		State:      parseState(p, "state", b.State),
		Name:       b.Name,
		Kind:       agency.Kind(b.Kind),
	}
}

type contactPointIn struct {
	commandIn
	ID      string `json:"id"`
	Purpose string `json:"purpose"`
	Name    string `json:"name"`
	Channel string `json:"channel"`
	Address string `json:"address"`
}

func (b *contactPointIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ContactPointDesignation {
	return commands.ContactPointDesignation{
		Agency:     pathID[domain.AgencyID](r, p, "agency"),
		OccurredAt: at,
		ContactPoint: agency.ContactPoint{
			ID:      requireID[domain.ContactPointID](p, "id", b.ID),
			Purpose: agency.Purpose(b.Purpose),
			Name:    b.Name,
			Channel: agency.Channel(b.Channel),
			Address: b.Address,
		},
	}
}

type withdrawContactPointIn struct {
	commandIn
}

func (b *withdrawContactPointIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ContactPointWithdrawal {
	return commands.ContactPointWithdrawal{
		Agency:       pathID[domain.AgencyID](r, p, "agency"),
		OccurredAt:   at,
		ContactPoint: pathID[domain.ContactPointID](r, p, "contact_point"),
	}
}
