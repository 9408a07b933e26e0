package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// seedStep is one command of the seed.
type seedStep struct {
	name string // unique: the command ID is derived from it
	who  principal
	path string
	body body
}

// seedSteps lists the commands that lay w out around anchor, in order.
// Each command's ID is derived from its name and its occurred_at from its
// place in the list, one second apart and ending at the anchor, so that the
// list is the same every time for the same anchor.
func seedSteps(w *World, anchor time.Time) []seedStep {
	var steps []seedStep
	add := func(name string, who principal, path string, b body) {
		steps = append(steps, seedStep{name: name, who: who, path: path, body: b})
	}
	op := w.Operation
	opPath := "/v1/operations/" + op.ID.String()
	lead := w.commander(op.Lead)
	at := func(s time.Duration) time.Time { return anchor.Add(s) }

	add("propose operation "+op.Key, lead, "/v1/operations", &proposalBody{
		ID: op.ID, Purpose: op.Purpose, Lead: w.Agency(op.Lead).ID,
		Participants: agencyIDs(w, op.Participants), HostStates: op.HostStates, LegalBasis: op.LegalBasis,
		Area:   polygonJSON{Type: "Polygon", Coordinates: op.Area.Orb()},
		Period: period(at(op.Period.From), at(op.Period.To)),
	})
	for _, s := range w.States {
		add("register state "+s.Code, w.admin(stateAgency(w, s.Code)), "/v1/states", &stateBody{
			Code: s.Code, Name: s.Name, Territory: multiPolygonJSON{Type: "MultiPolygon", Coordinates: s.Territory.Orb()},
		})
	}
	for _, b := range w.Borders {
		for i, s := range b.States {
			neighbour := b.States[1-i]
			add("declare border "+s+"-"+neighbour, w.admin(stateAgency(w, s)), "/v1/states/"+s+"/borders", &borderBody{
				Neighbour: neighbour, Line: lineJSON{Type: "LineString", Coordinates: orb.LineString(b.Line.Orb())},
			})
		}
	}
	for _, a := range w.Agencies {
		add("register agency "+a.Key, w.admin(a.Key), "/v1/agencies", &agencyBody{ID: a.ID, State: a.State, Name: a.Name, Kind: a.Kind})
	}
	for _, a := range w.Agencies {
		for _, cp := range a.ContactPoints {
			add("designate contact point "+a.Key+"/"+cp.Key, w.admin(a.Key), "/v1/agencies/"+a.ID.String()+"/contact-points",
				&contactPointBody{ID: cp.ID, Purpose: cp.Purpose, Name: cp.Name, Channel: cp.Channel, Address: cp.Address})
		}
	}
	for _, p := range op.Participants {
		add("agree "+p, w.commander(p), opPath+"/agree", &agreementBody{ArrangementVersion: 1})
	}
	add("activate operation", lead, opPath+"/activate", &emptyBody{})
	for i, p := range op.OperationalPeriods {
		add(fmt.Sprintf("plan operational period %d", i+1), lead, opPath+"/operational-periods", &operationalPeriodBody{
			Period: period(at(p.Span.From), at(p.Span.To)), Objectives: p.Objectives,
		})
		if p.AddedObjective != "" {
			add(fmt.Sprintf("add objective to operational period %d", i+1), lead, opPath+"/operational-periods/"+strconv.Itoa(i+1)+"/objectives",
				&objectiveBody{Objective: p.AddedObjective})
		}
	}
	for _, u := range op.OrgUnits {
		b := &orgUnitBody{ID: u.ID, Kind: u.Kind, Name: u.Name}
		if u.Parent != "" {
			b.Parent = w.OrgUnit(u.Parent).ID.String()
		}
		add("add org unit "+u.Key, lead, opPath+"/org-units", b)
	}
	for _, p := range op.Positions {
		b := &positionBody{ID: p.ID, Title: p.Title}
		if p.OrgUnit != "" {
			b.OrgUnit = w.OrgUnit(p.OrgUnit).ID.String()
		}
		if p.SeatOf != "" {
			b.CommandSeatOf = w.Agency(p.SeatOf).ID.String()
		}
		add("establish position "+p.Key, lead, opPath+"/positions", b)
	}
	for _, p := range op.Positions {
		holder := w.Person(p.Holder)
		who := lead
		if p.SeatOf != "" {
			who = w.commander(p.SeatOf) // each agency designates its own commander
		}
		add("fill position "+p.Key, who, opPath+"/positions/"+p.ID.String()+"/fill", &fillBody{
			Holder:      personRefJSON{Person: holder.ID, Agency: w.Agency(holder.Agency).ID},
			EffectiveAt: rfc3339(at(op.Period.From)),
		})
	}
	for _, u := range w.Units {
		add("check in unit "+u.Key, w.commander(u.Agency), opPath+"/resources", &checkInBody{
			Unit: u.ID, Agency: w.Agency(u.Agency).ID, Kind: u.Kind, CallSign: u.CallSign, Personnel: u.Personnel,
		})
	}
	for _, u := range w.Units {
		add("assign unit "+u.Key, lead, opPath+"/resources/"+u.ID.String()+"/assign",
			&assignBody{OrgUnit: w.OrgUnit(u.OrgUnit).ID})
	}

	for i, s := range steps {
		f := s.body.fields()
		f.CommandID = id("seed-command", s.name)
		f.OccurredAt = rfc3339(anchor.Add(-time.Duration(len(steps)-i) * time.Second))
	}
	return steps
}

// agencyIDs returns the IDs of the agencies of keys.
func agencyIDs(w *World, keys []string) []uuid.UUID {
	out := make([]uuid.UUID, len(keys))
	for i, k := range keys {
		out[i] = w.Agency(k).ID
	}
	return out
}

// stateAgency is the first agency of state, whose administrator registers
// the state's reference data.
func stateAgency(w *World, state string) string {
	for _, a := range w.Agencies {
		if a.State == state {
			return a.Key
		}
	}
	return ""
}
