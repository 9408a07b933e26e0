package domaintest

import "github.com/jointops/jointops/domain"

// Deterministic IDs by number, one helper per kind.

// Operation returns the n-th test operation ID.
func Operation(n uint64) domain.OperationID { return Must(domain.NewOperationID(UUID(n))) }

// Agency returns the n-th test agency ID.
func Agency(n uint64) domain.AgencyID { return Must(domain.NewAgencyID(UUID(n))) }

// Unit returns the n-th test unit ID.
func Unit(n uint64) domain.UnitID { return Must(domain.NewUnitID(UUID(n))) }

// Person returns the n-th test person ID.
func Person(n uint64) domain.PersonID { return Must(domain.NewPersonID(UUID(n))) }

// Task returns the n-th test task ID.
func Task(n uint64) domain.TaskID { return Must(domain.NewTaskID(UUID(n))) }

// OrgUnit returns the n-th test org unit ID.
func OrgUnit(n uint64) domain.OrgUnitID { return Must(domain.NewOrgUnitID(UUID(n))) }

// Position returns the n-th test position ID.
func Position(n uint64) domain.PositionID { return Must(domain.NewPositionID(UUID(n))) }

// Report returns the n-th test report ID.
func Report(n uint64) domain.ReportID { return Must(domain.NewReportID(UUID(n))) }

// Activity returns the n-th test activity ID.
func Activity(n uint64) domain.ActivityID { return Must(domain.NewActivityID(UUID(n))) }

// Notification returns the n-th test notification ID.
func Notification(n uint64) domain.NotificationID { return Must(domain.NewNotificationID(UUID(n))) }

// Subject returns the n-th test subject ID.
func Subject(n uint64) domain.SubjectID { return Must(domain.NewSubjectID(UUID(n))) }

// ContactPoint returns the n-th test contact point ID.
func ContactPoint(n uint64) domain.ContactPointID { return Must(domain.NewContactPointID(UUID(n))) }

// State returns the state code s, which must be valid.
func State(s string) domain.StateCode { return Must(domain.ParseStateCode(s)) }

// PersonRef returns a reference to person p of agency a.
func PersonRef(p, a uint64) domain.PersonRef { return Must(domain.NewPersonRef(Person(p), Agency(a))) }
