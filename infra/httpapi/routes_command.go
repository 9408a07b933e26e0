package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
)

// The command structure of an operation (org units, positions, transfers of
// command) and its resources (check-in, assignment, status, check-out).

func (a *api) commandStructureRoutes() []route {
	const op = "/v1/operations/{operation}"
	return []route{
		{"POST", op + "/org-units", create[orgUnitIn](a, (*orgUnitIn).build, a.cmds.AddOrgUnit,
			func(in commands.OrgUnitAddition) string {
				return "/v1/operations/" + in.Operation.String() + "/org-units/" + in.ID.String()
			})},
		{"POST", op + "/positions", create[positionSpecIn](a, (*positionSpecIn).build, a.cmds.EstablishPosition,
			func(in commands.PositionEstablishment) string {
				return "/v1/operations/" + in.Operation.String() + "/positions/" + in.ID.String()
			})},
		{"POST", op + "/positions/{position}/fill", command[fillIn](a, (*fillIn).build, a.cmds.FillPosition)},
		{"POST", op + "/positions/{position}/vacate", command[vacateIn](a, (*vacateIn).build, a.cmds.VacatePosition)},
		{"POST", op + "/positions/{position}/transfer", command[transferIn](a, (*transferIn).build, a.cmds.TransferCommand)},
		{"POST", op + "/resources", create[checkInIn](a, (*checkInIn).build, a.cmds.CheckInResource,
			func(in commands.ResourceCheckIn) string {
				return "/v1/operations/" + in.Operation.String() + "/resources/" + in.Unit.String()
			})},
		{"POST", op + "/resources/{unit}/assign", command[assignIn](a, (*assignIn).build, a.cmds.AssignResource)},
		{"POST", op + "/resources/{unit}/available", command[resourceIn](a, (*resourceIn).build, a.cmds.MarkResourceAvailable)},
		{"POST", op + "/resources/{unit}/out-of-service", command[resourceIn](a, (*resourceIn).build, a.cmds.MarkResourceOutOfService)},
		{"POST", op + "/resources/{unit}/check-out", command[resourceIn](a, (*resourceIn).build, a.cmds.CheckOutResource)},
	}
}

type orgUnitIn struct {
	commandIn
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
}

func (b *orgUnitIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.OrgUnitAddition {
	return commands.OrgUnitAddition{
		OperationCommand: operationCommand(r, at, p),
		OrgUnit: operation.OrgUnit{
			ID:     requireID[domain.OrgUnitID](p, "id", b.ID),
			Parent: parseID[domain.OrgUnitID](p, "parent", b.Parent),
			Kind:   operation.OrgUnitKind(b.Kind),
			Name:   b.Name,
		},
	}
}

type positionSpecIn struct {
	commandIn
	ID            string `json:"id"`
	OrgUnit       string `json:"org_unit,omitempty"`
	Title         string `json:"title"`
	CommandSeatOf string `json:"command_seat_of,omitempty"`
}

func (b *positionSpecIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.PositionEstablishment {
	return commands.PositionEstablishment{
		OperationCommand: operationCommand(r, at, p),
		PositionSpec: operation.PositionSpec{
			ID:            requireID[domain.PositionID](p, "id", b.ID),
			OrgUnit:       parseID[domain.OrgUnitID](p, "org_unit", b.OrgUnit),
			Title:         b.Title,
			CommandSeatOf: parseID[domain.AgencyID](p, "command_seat_of", b.CommandSeatOf),
		},
	}
}

type fillIn struct {
	commandIn
	Holder      *personRefIn `json:"holder"`
	EffectiveAt string       `json:"effective_at"`
}

func (b *fillIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.PositionFilling {
	return commands.PositionFilling{
		OperationCommand: operationCommand(r, at, p),
		Position:         pathID[domain.PositionID](r, p, "position"),
		Holder:           b.Holder.build(p, "holder"),
		EffectiveAt:      parseTime(p, "effective_at", b.EffectiveAt),
	}
}

type vacateIn struct {
	commandIn
	EffectiveAt string `json:"effective_at"`
}

func (b *vacateIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.PositionVacating {
	return commands.PositionVacating{
		OperationCommand: operationCommand(r, at, p),
		Position:         pathID[domain.PositionID](r, p, "position"),
		EffectiveAt:      parseTime(p, "effective_at", b.EffectiveAt),
	}
}

type transferIn struct {
	commandIn
	From        string        `json:"from"`
	To          *personRefIn  `json:"to"`
	BriefingRef string        `json:"briefing_ref"`
	EffectiveAt string        `json:"effective_at"`
	Notified    []personRefIn `json:"notified,omitempty"`
}

func (b *transferIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.CommandTransfer {
	var notified []domain.PersonRef
	for i := range b.Notified {
		notified = append(notified, b.Notified[i].build(p, domain.Index("notified", i)))
	}
	return commands.CommandTransfer{
		OperationCommand: operationCommand(r, at, p),
		Transfer: operation.Transfer{
			Position:    pathID[domain.PositionID](r, p, "position"),
			From:        parseID[domain.PersonID](p, "from", b.From),
			To:          b.To.build(p, "to"),
			BriefingRef: b.BriefingRef,
			EffectiveAt: parseTime(p, "effective_at", b.EffectiveAt),
			Notified:    notified,
		},
	}
}

type checkInIn struct {
	commandIn
	Unit      string `json:"unit"`
	Agency    string `json:"agency"`
	Kind      string `json:"kind"`
	CallSign  string `json:"call_sign"`
	Personnel int    `json:"personnel"`
}

func (b *checkInIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ResourceCheckIn {
	return commands.ResourceCheckIn{
		OperationCommand: operationCommand(r, at, p),
		CheckIn: operation.CheckIn{
			Unit:      requireID[domain.UnitID](p, "unit", b.Unit),
			Agency:    requireID[domain.AgencyID](p, "agency", b.Agency),
			Kind:      operation.ResourceKind(b.Kind),
			CallSign:  b.CallSign,
			Personnel: b.Personnel,
		},
	}
}

type assignIn struct {
	commandIn
	OrgUnit string `json:"org_unit"`
}

func (b *assignIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ResourceAssignment {
	return commands.ResourceAssignment{
		OperationCommand: operationCommand(r, at, p),
		Unit:             pathID[domain.UnitID](r, p, "unit"),
		To:               requireID[domain.OrgUnitID](p, "org_unit", b.OrgUnit),
	}
}

// resourceIn changes a resource's status; Reason is for out of service.
type resourceIn struct {
	commandIn
	Reason string `json:"reason,omitempty"`
}

func (b *resourceIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ResourceChange {
	return commands.ResourceChange{
		OperationCommand: operationCommand(r, at, p),
		Unit:             pathID[domain.UnitID](r, p, "unit"),
		Reason:           b.Reason,
	}
}
