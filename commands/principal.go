package commands

import (
	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// Role is the general capacity of a principal, as its token states it.
type Role string

// The roles; the strings are those of the bearer tokens.
const (
	RoleAdmin        Role = "admin"
	RoleCommander    Role = "commander"
	RoleFieldUnit    Role = "field_unit"
	RoleObserver     Role = "observer"
	RoleInvestigator Role = "investigator"
)

// Rejection codes of authorization.
const (
	CodeReadOnlyRole    domain.Code = "auth.read_only_role"
	CodeRoleNotAllowed  domain.Code = "auth.role_not_allowed"
	CodeNotParticipant  domain.Code = "auth.agency_not_participating"
	CodeNotThisUnit     domain.Code = "auth.not_this_unit"
	CodeUnknownRole     domain.Code = "auth.unknown_role"
	CodeNotLeadAgency   domain.Code = "auth.not_lead_agency"
	CodeWrongAgencySeat domain.Code = "auth.acting_for_another_agency"
)

// Principal is who is asking, as established by authentication: one
// agency, one subject and one role. A field unit's subject is its UnitID;
// everyone else's is a PersonID.
type Principal struct {
	Agency domain.AgencyID
	Role   Role
	// Subject is the token's subject.
	Subject uuid.UUID
}

// NewPrincipal checks and builds a principal.
func NewPrincipal(agency domain.AgencyID, subject uuid.UUID, role Role) (Principal, error) {
	var p domain.Problems
	if agency.IsZero() {
		p.Add("agency", "required")
	}
	if subject == uuid.Nil {
		p.Add("subject", "required")
	}
	switch role {
	case RoleAdmin, RoleCommander, RoleFieldUnit, RoleObserver, RoleInvestigator:
	default:
		p.Addf("role", "unknown role %q", role)
	}
	if err := p.Err(); err != nil {
		return Principal{}, err
	}
	return Principal{Agency: agency, Role: role, Subject: subject}, nil
}

// Unit returns the principal's unit when it is a field unit.
func (p Principal) Unit() (domain.UnitID, bool) {
	if p.Role != RoleFieldUnit {
		return domain.UnitID{}, false
	}
	u, err := domain.NewUnitID(p.Subject)
	return u, err == nil
}

// Person returns the principal's person ID, for every role but field unit.
func (p Principal) Person() (domain.PersonID, bool) {
	if p.Role == RoleFieldUnit {
		return domain.PersonID{}, false
	}
	id, err := domain.NewPersonID(p.Subject)
	return id, err == nil
}

// Actor is the principal as the domain records it.
func (p Principal) Actor() domain.Actor {
	a := domain.Actor{Agency: p.Agency}
	if u, ok := p.Unit(); ok {
		a.Unit = u
	} else if person, ok := p.Person(); ok {
		a.Person = person
	}
	return a
}

// mayWrite refuses the read-only roles: observers and investigators look,
// they never change the record.
func (p Principal) mayWrite() error {
	switch p.Role {
	case RoleObserver, RoleInvestigator:
		return domain.Forbid(CodeReadOnlyRole, "role %s is read-only", p.Role)
	}
	return nil
}

// requireRole refuses every role not listed.
func (p Principal) requireRole(roles ...Role) error {
	if err := p.mayWrite(); err != nil {
		return err
	}
	for _, r := range roles {
		if p.Role == r {
			return nil
		}
	}
	return domain.Forbid(CodeRoleNotAllowed, "role %s may not do this (allowed: %v)", p.Role, roles)
}
