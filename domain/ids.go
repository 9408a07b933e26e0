package domain

import (
	"fmt"

	"github.com/google/uuid"
)

// Kind names what an ID identifies; it keeps an OperationID from being passed
// where an AgencyID is wanted. Its method is unexported: the kinds are the
// ones declared in this file.
type Kind interface{ kindName() string }

// ID is a typed, non-nil UUID. The zero ID is "none": it is what optional
// fields hold when unset, and constructors never return it.
type ID[K Kind] struct{ u uuid.UUID }

type (
	operationKind    struct{}
	agencyKind       struct{}
	unitKind         struct{}
	personKind       struct{}
	taskKind         struct{}
	orgUnitKind      struct{}
	positionKind     struct{}
	reportKind       struct{}
	activityKind     struct{}
	notificationKind struct{}
	subjectKind      struct{}
	contactPointKind struct{}
)

func (operationKind) kindName() string    { return "operation" }
func (agencyKind) kindName() string       { return "agency" }
func (unitKind) kindName() string         { return "unit" }
func (personKind) kindName() string       { return "person" }
func (taskKind) kindName() string         { return "task" }
func (orgUnitKind) kindName() string      { return "org unit" }
func (positionKind) kindName() string     { return "position" }
func (reportKind) kindName() string       { return "report" }
func (activityKind) kindName() string     { return "activity" }
func (notificationKind) kindName() string { return "notification" }
func (subjectKind) kindName() string      { return "subject" }
func (contactPointKind) kindName() string { return "contact point" }

type (
	// OperationID identifies a joint operation.
	OperationID = ID[operationKind]
	// AgencyID identifies an agency (police, border guard, customs …).
	AgencyID = ID[agencyKind]
	// UnitID identifies a resource that checks in to an operation: a unit,
	// team, vehicle, dog or aircraft. Field reports are filed per unit.
	UnitID = ID[unitKind]
	// PersonID identifies an officer: a position holder, a commander.
	PersonID = ID[personKind]
	// TaskID identifies a task issued to a unit.
	TaskID = ID[taskKind]
	// OrgUnitID identifies a node of an operation's organisation tree.
	OrgUnitID = ID[orgUnitKind]
	// PositionID identifies a position of the command structure.
	PositionID = ID[positionKind]
	// ReportID identifies one entry of a unit's field log. Field devices mint
	// it, so corrections and retractions can reference it.
	ReportID = ID[reportKind]
	// ActivityID identifies a surveillance or a pursuit across the reports
	// that start, hand over and end it.
	ActivityID = ID[activityKind]
	// NotificationID identifies a notification of a host authority, so its
	// acknowledgement can reference it.
	NotificationID = ID[notificationKind]
	// SubjectID identifies an apprehended person within a field log, without
	// naming them.
	SubjectID = ID[subjectKind]
	// ContactPointID identifies a designated contact point of an agency.
	ContactPointID = ID[contactPointKind]
)

func idFrom[K Kind](u uuid.UUID) (ID[K], error) {
	if u == uuid.Nil {
		var k K
		return ID[K]{}, fmt.Errorf("%s id: must not be the nil UUID", k.kindName())
	}
	return ID[K]{u: u}, nil
}

func parseID[K Kind](s string) (ID[K], error) {
	u, err := uuid.Parse(s)
	if err != nil {
		var k K
		return ID[K]{}, fmt.Errorf("%s id %q: %w", k.kindName(), s, err)
	}
	return idFrom[K](u)
}

// UUID returns the underlying UUID (uuid.Nil for the zero ID).
func (id ID[K]) UUID() uuid.UUID { return id.u }

// IsZero reports whether id is unset.
func (id ID[K]) IsZero() bool { return id.u == uuid.Nil }

// String renders the canonical UUID form.
func (id ID[K]) String() string { return id.u.String() }

// Compare orders IDs by their bytes, for sorted, canonical lists.
func (id ID[K]) Compare(other ID[K]) int {
	for i := range id.u {
		switch {
		case id.u[i] < other.u[i]:
			return -1
		case id.u[i] > other.u[i]:
			return 1
		}
	}
	return 0
}

// MarshalText writes the canonical UUID form.
func (id ID[K]) MarshalText() ([]byte, error) { return id.u.MarshalText() }

// UnmarshalText parses a UUID and rejects the nil UUID.
func (id *ID[K]) UnmarshalText(b []byte) error {
	v, err := parseID[K](string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// NewOperationID wraps u; the nil UUID is rejected.
func NewOperationID(u uuid.UUID) (OperationID, error) { return idFrom[operationKind](u) }

// ParseOperationID parses the canonical UUID form.
func ParseOperationID(s string) (OperationID, error) { return parseID[operationKind](s) }

// NewAgencyID wraps u; the nil UUID is rejected.
func NewAgencyID(u uuid.UUID) (AgencyID, error) { return idFrom[agencyKind](u) }

// ParseAgencyID parses the canonical UUID form.
func ParseAgencyID(s string) (AgencyID, error) { return parseID[agencyKind](s) }

// NewUnitID wraps u; the nil UUID is rejected.
func NewUnitID(u uuid.UUID) (UnitID, error) { return idFrom[unitKind](u) }

// ParseUnitID parses the canonical UUID form.
func ParseUnitID(s string) (UnitID, error) { return parseID[unitKind](s) }

// NewPersonID wraps u; the nil UUID is rejected.
func NewPersonID(u uuid.UUID) (PersonID, error) { return idFrom[personKind](u) }

// ParsePersonID parses the canonical UUID form.
func ParsePersonID(s string) (PersonID, error) { return parseID[personKind](s) }

// NewTaskID wraps u; the nil UUID is rejected.
func NewTaskID(u uuid.UUID) (TaskID, error) { return idFrom[taskKind](u) }

// ParseTaskID parses the canonical UUID form.
func ParseTaskID(s string) (TaskID, error) { return parseID[taskKind](s) }

// NewOrgUnitID wraps u; the nil UUID is rejected.
func NewOrgUnitID(u uuid.UUID) (OrgUnitID, error) { return idFrom[orgUnitKind](u) }

// ParseOrgUnitID parses the canonical UUID form.
func ParseOrgUnitID(s string) (OrgUnitID, error) { return parseID[orgUnitKind](s) }

// NewPositionID wraps u; the nil UUID is rejected.
func NewPositionID(u uuid.UUID) (PositionID, error) { return idFrom[positionKind](u) }

// ParsePositionID parses the canonical UUID form.
func ParsePositionID(s string) (PositionID, error) { return parseID[positionKind](s) }

// NewReportID wraps u; the nil UUID is rejected.
func NewReportID(u uuid.UUID) (ReportID, error) { return idFrom[reportKind](u) }

// ParseReportID parses the canonical UUID form.
func ParseReportID(s string) (ReportID, error) { return parseID[reportKind](s) }

// NewActivityID wraps u; the nil UUID is rejected.
func NewActivityID(u uuid.UUID) (ActivityID, error) { return idFrom[activityKind](u) }

// ParseActivityID parses the canonical UUID form.
func ParseActivityID(s string) (ActivityID, error) { return parseID[activityKind](s) }

// NewNotificationID wraps u; the nil UUID is rejected.
func NewNotificationID(u uuid.UUID) (NotificationID, error) { return idFrom[notificationKind](u) }

// ParseNotificationID parses the canonical UUID form.
func ParseNotificationID(s string) (NotificationID, error) { return parseID[notificationKind](s) }

// NewSubjectID wraps u; the nil UUID is rejected.
func NewSubjectID(u uuid.UUID) (SubjectID, error) { return idFrom[subjectKind](u) }

// ParseSubjectID parses the canonical UUID form.
func ParseSubjectID(s string) (SubjectID, error) { return parseID[subjectKind](s) }

// NewContactPointID wraps u; the nil UUID is rejected.
func NewContactPointID(u uuid.UUID) (ContactPointID, error) { return idFrom[contactPointKind](u) }

// ParseContactPointID parses the canonical UUID form.
func ParseContactPointID(s string) (ContactPointID, error) { return parseID[contactPointKind](s) }
