package board

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
)

// Apply applies one agency's delta to its view: what a client does with
// each delta after the snapshot (this is the reference implementation;
// clients in other languages follow it). Values are applied as the board
// built them, without a JSON round trip; they are shared with other views
// and must be treated as read-only. A nil delta changes nothing.
func (v *View) Apply(d *AgencyDelta) {
	if d == nil {
		return
	}
	for _, c := range d.Changes {
		switch c.Op {
		case OpSet:
			v.setField(c.Field, c.Value)
		case OpPut:
			v.putItem(c.Collection, c.Value)
		case OpDelete:
			v.deleteItem(c.Collection, c.Key)
		}
	}
	if d.At.After(v.AsOf) {
		v.AsOf = d.At
	}
	v.derive()
}

func (v *View) setField(field string, value any) {
	switch x := value.(type) {
	case domain.OperationID:
		if field == FieldOperation {
			v.Operation = x
		}
	case domain.AgencyID:
		if field == FieldLead {
			v.Lead = x
		}
	case operation.Status:
		if field == FieldStatus {
			v.Status = x
		}
	case string:
		if field == FieldPurpose {
			v.Purpose = x
		}
	case int:
		if field == FieldArrangementVersion {
			v.ArrangementVersion = x
		}
	case []domain.StateCode:
		if field == FieldHostStates {
			v.HostStates = x
		}
	case []domain.LegalRef:
		if field == FieldLegalBasis {
			v.LegalBasis = x
		}
	case geo.Polygon:
		if field == FieldArea {
			v.Area = x
		}
	case domain.Period:
		if field == FieldPeriod {
			v.Period = x
		}
	}
}

func (v *View) putItem(collection string, value any) {
	switch x := value.(type) {
	case Participant:
		if collection == CollParticipants {
			v.Participants = upsert(v.Participants, x, func(p Participant) domain.AgencyID { return p.Agency },
				func(a, b Participant) int { return a.Agency.Compare(b.Agency) })
		}
	case OperationalPeriod:
		if collection == CollOperationalPeriods {
			v.OperationalPeriods = upsert(v.OperationalPeriods, x, func(p OperationalPeriod) int { return p.Number },
				func(a, b OperationalPeriod) int { return cmp.Compare(a.Number, b.Number) })
		}
	case OrgUnit:
		if collection == CollOrgUnits {
			v.OrgUnits = upsert(v.OrgUnits, x, func(u OrgUnit) domain.OrgUnitID { return u.ID },
				func(a, b OrgUnit) int { return a.ID.Compare(b.ID) })
		}
	case Position:
		if collection == CollPositions {
			v.Positions = upsert(v.Positions, x, func(p Position) domain.PositionID { return p.ID },
				func(a, b Position) int { return a.ID.Compare(b.ID) })
		}
	default:
		v.putListed(collection, value)
	}
}

func (v *View) putListed(collection string, value any) {
	switch x := value.(type) {
	case Unit:
		if collection == CollUnits {
			v.Units = upsert(v.Units, x, func(u Unit) domain.UnitID { return u.Unit },
				func(a, b Unit) int { return a.Unit.Compare(b.Unit) })
		}
	case Task:
		if collection == CollTasks {
			v.Tasks = upsert(v.Tasks, x, func(t Task) domain.TaskID { return t.Task },
				func(a, b Task) int { return a.Task.Compare(b.Task) })
		}
	case Report:
		if collection == CollReports {
			v.Reports = upsert(v.Reports, x, func(r Report) domain.ReportID { return r.Report }, compareReports)
			if n := v.Limits.ReportLength; n > 0 && len(v.Reports) > n {
				v.Reports = v.Reports[len(v.Reports)-n:]
			}
		}
	case Flag:
		if collection == CollFlags {
			v.Flags = upsert(v.Flags, x, func(f Flag) compliance.FlagID { return f.ID }, compareFlags)
		}
	case TrackPoint:
		if collection == CollTrack {
			v.putTrackPoint(x)
		}
	case Entry:
		if collection == CollSignificant {
			v.Significant = upsert(v.Significant, x, func(e Entry) string { return e.Key }, compareEntries)
			if n := v.Limits.SignificantLength; len(v.Significant) > n {
				v.Significant = v.Significant[len(v.Significant)-n:]
			}
		}
	}
}

func (v *View) putTrackPoint(p TrackPoint) {
	i, found := slices.BinarySearchFunc(v.Tracks, p.Unit, func(t Track, u domain.UnitID) int { return t.Unit.Compare(u) })
	if !found {
		v.Tracks = slices.Insert(v.Tracks, i, Track{Unit: p.Unit})
	}
	t := &v.Tracks[i]
	t.Points = upsert(t.Points, p, func(p TrackPoint) domain.ReportID { return p.Report }, comparePoints)
	if n := v.Limits.TrackLength; len(t.Points) > n {
		t.Points = t.Points[len(t.Points)-n:]
	}
}

func (v *View) deleteItem(collection, key string) {
	switch collection {
	case CollTasks:
		v.Tasks = slices.DeleteFunc(v.Tasks, func(t Task) bool { return t.Task.String() == key })
	case CollParticipants:
		v.Participants = slices.DeleteFunc(v.Participants, func(p Participant) bool { return p.Agency.String() == key })
	case CollOperationalPeriods:
		v.OperationalPeriods = slices.DeleteFunc(v.OperationalPeriods,
			func(p OperationalPeriod) bool { return strconv.Itoa(p.Number) == key })
	case CollOrgUnits:
		v.OrgUnits = slices.DeleteFunc(v.OrgUnits, func(u OrgUnit) bool { return u.ID.String() == key })
	case CollPositions:
		v.Positions = slices.DeleteFunc(v.Positions, func(p Position) bool { return p.ID.String() == key })
	case CollUnits:
		v.Units = slices.DeleteFunc(v.Units, func(u Unit) bool { return u.Unit.String() == key })
	case CollReports:
		v.Reports = slices.DeleteFunc(v.Reports, func(r Report) bool { return r.Report.String() == key })
	case CollSignificant:
		v.Significant = slices.DeleteFunc(v.Significant, func(e Entry) bool { return e.Key == key })
	case CollFlags:
		v.Flags = slices.DeleteFunc(v.Flags, func(f Flag) bool { return string(f.ID) == key })
	}
}

// upsert replaces the item with x's key, or inserts x, keeping s sorted by
// order. It never modifies s in place: a view may share its slices with
// an earlier copy.
func upsert[T any, K comparable](s []T, x T, key func(T) K, order func(a, b T) int) []T {
	out := make([]T, 0, len(s)+1)
	k := key(x)
	for _, y := range s {
		if key(y) != k {
			out = append(out, y)
		}
	}
	i, _ := slices.BinarySearchFunc(out, x, order)
	return slices.Insert(out, i, x)
}

func compareReports(a, b Report) int {
	if c := a.RecordedAt.Compare(b.RecordedAt); c != 0 {
		return c
	}
	return a.Report.Compare(b.Report)
}

func comparePoints(a, b TrackPoint) int {
	if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
		return c
	}
	return a.Report.Compare(b.Report)
}

func compareFlags(a, b Flag) int {
	if c := a.RecordedAt.Compare(b.RecordedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareEntries(a, b Entry) int {
	if c := a.RecordedAt.Compare(b.RecordedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// derive computes the fields that follow from AsOf and the rest.
func (v *View) derive() {
	v.CurrentPeriod = currentPeriod(v.OperationalPeriods, v.AsOf)
	for i := range v.Positions {
		v.Positions[i].Holder = holderAt(v.Positions[i].Tenures, v.AsOf)
	}
	for i := range v.Tracks {
		v.Tracks[i].Last = lastKnown(v.Tracks[i].Points)
	}
}

// holderAt returns who holds a position at t: the outgoing holder stays in
// charge until a transfer's effective time.
func holderAt(tenures []Tenure, t time.Time) *domain.PersonRef {
	for _, ten := range slices.Backward(tenures) {
		if !t.Before(ten.Start) && (ten.End.IsZero() || t.Before(ten.End)) {
			h := ten.Holder
			return &h
		}
	}
	return nil
}

// lastKnown returns the latest point neither retracted nor corrected.
func lastKnown(points []TrackPoint) *TrackPoint {
	for _, p := range slices.Backward(points) {
		if !p.Retracted && p.CorrectedBy.IsZero() {
			return &p
		}
	}
	return nil
}
