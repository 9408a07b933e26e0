package evidence

import (
	"encoding/json"
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
)

// JudicialUsePermittedType is the field-log event (Seam 2) that lifts the
// judicial exclusion of one H1-marked report. The evidence package reads
// only its "report" field, so it does not depend on the Go type.
const JudicialUsePermittedType = "jointops.field.judicial_use_permitted"

// reportState is what the scope knows of one report at the export
// position.
type reportState struct {
	marking   marking.Marking
	corrects  domain.ReportID
	permitted bool // a judicial-use permission was recorded
}

// scope folds, up to the export position, what decides which events of an
// operation an export may carry: the participants, the agency directory,
// and every report's marking (with relaxations) and judicial permission.
// The rules are the live boards': marking.MayView with the participants and
// the viewer's state as they were at that position, and a correction seen
// only by those who may see every report it corrects.
type scope struct {
	op           domain.OperationID
	asAgency     domain.AgencyID // zero: full export
	judicial     bool
	participants []domain.AgencyID
	states       map[domain.AgencyID]domain.StateCode
	reports      map[domain.ReportID]*reportState
}

func newScope(op domain.OperationID, asAgency domain.AgencyID, judicial bool) *scope {
	return &scope{op: op, asAgency: asAgency, judicial: judicial,
		states: map[domain.AgencyID]domain.StateCode{}, reports: map[domain.ReportID]*reportState{}}
}

// fold takes one decoded event (of the operation, or of the directory).
func (s *scope) fold(p domain.Payload) {
	switch e := p.(type) {
	case *agency.Registered:
		s.states[e.AgencyID] = e.State
	case *operation.Proposed:
		if e.OperationID == s.op {
			s.participants = nil
			for _, a := range append([]domain.AgencyID{e.Lead}, e.Participants...) {
				s.addParticipant(a)
			}
		}
	case *operation.ParticipantAdded:
		if e.OperationID == s.op {
			s.addParticipant(e.Agency)
		}
	case fieldlog.Report:
		h := e.Head()
		if _, dup := s.reports[h.ReportID]; !dup {
			s.reports[h.ReportID] = &reportState{marking: h.Marking, corrects: h.Corrects}
		}
	case *fieldlog.MarkingRelaxed:
		// Like the boards: a "relaxation" that tightens is ignored.
		if r := s.reports[e.Report]; r != nil && marking.CheckRelaxation(r.marking.Originator(), r.marking, e.To) == nil {
			r.marking = e.To
		}
	}
}

func (s *scope) addParticipant(a domain.AgencyID) {
	if !a.IsZero() && !slices.Contains(s.participants, a) {
		s.participants = append(s.participants, a)
	}
}

// permit records a judicial-use permission event's data.
func (s *scope) permit(data []byte) {
	var p struct {
		Report domain.ReportID `json:"report"`
	}
	if json.Unmarshal(data, &p) != nil {
		return
	}
	if r := s.reports[p.Report]; r != nil {
		r.permitted = true
	}
}

// scoped reports whether the export leaves anything out: for an agency,
// or judicial.
func (s *scope) scoped() bool { return !s.asAgency.IsZero() || s.judicial }

// participant reports whether the export's agency takes part in the
// operation at the export position; a full export needs no agency.
func (s *scope) participant() bool {
	return s.asAgency.IsZero() || slices.Contains(s.participants, s.asAgency)
}

// about returns the report an event is about (zero for events about no
// report), given its decoded payload or, for a permission, its data; ok is
// false for a permission whose data names no report.
func about(typ string, p domain.Payload, data []byte) (id domain.ReportID, ok bool) {
	// The permission first: whatever Go type it gets, it is about the
	// report it names, not about itself.
	if typ == JudicialUsePermittedType {
		var perm struct {
			Report domain.ReportID `json:"report"`
		}
		if json.Unmarshal(data, &perm) != nil || perm.Report.IsZero() {
			return domain.ReportID{}, false
		}
		return perm.Report, true
	}
	switch e := p.(type) {
	case fieldlog.Report:
		return e.Head().ReportID, true
	case *fieldlog.ReportRetracted:
		return e.Retracts, true
	case *fieldlog.MarkingRelaxed:
		return e.Report, true
	}
	return domain.ReportID{}, true
}

// withheld returns why an event about report id must be left out, or "".
// An event about a report the scope never saw, or about one it cannot
// read (known false), is left out of an export for an agency: visibility
// fails closed.
func (s *scope) withheld(id domain.ReportID, known bool) string {
	if !known && !s.asAgency.IsZero() {
		return ReasonMarking
	}
	if id.IsZero() || (s.asAgency.IsZero() && !s.judicial) {
		return ""
	}
	r := s.reports[id]
	if r == nil {
		if s.asAgency.IsZero() {
			return ""
		}
		return ReasonMarking
	}
	if !s.asAgency.IsZero() {
		viewer := marking.Viewer{Agency: s.asAgency, State: s.states[s.asAgency]}
		seen := map[domain.ReportID]bool{}
		for cur := r; cur != nil; cur = s.reports[cur.corrects] {
			if !marking.MayView(cur.marking, viewer, s.participants) {
				return ReasonMarking
			}
			if seen[cur.corrects] || cur.corrects.IsZero() {
				break
			}
			seen[cur.corrects] = true
		}
	}
	if s.judicial && r.marking.Has(marking.H1) && !r.permitted {
		return ReasonJudicial
	}
	return ""
}
