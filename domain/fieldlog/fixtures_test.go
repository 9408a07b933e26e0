package fieldlog_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
)

// The unit (7) belongs to agency 2; agency 1 leads the operation.
var (
	opID   = dt.Operation(1)
	unit   = dt.Unit(7)
	own    = dt.Agency(2)
	lead   = dt.Agency(1)
	crew   = domain.Actor{Agency: own, Unit: unit}
	leadHQ = domain.Actor{Agency: lead, Person: dt.Person(11)}

	b2    = dt.Must(marking.ParseEvaluation("B2"))
	amber = dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPAmber, Evaluation: b2}))
	green = dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPGreen, Evaluation: b2}))
	clear = dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPClear, Evaluation: b2}))
	leads = dt.Must(marking.New(marking.Spec{Originator: lead, TLP: marking.TLPAmber, Evaluation: b2}))

	pt    = dt.Must(geo.NewPoint(49.01, 7.52, geo.Accuracy(5)))
	ptAlt = dt.Must(geo.NewPoint(49.02, 7.53))

	surv = dt.Activity(1)
	purs = dt.Activity(2)
	note = dt.Notification(1)
	subj = dt.Subject(1)
)

func newLog() *fieldlog.Log { return fieldlog.New(opID, unit) }

func now(t *testing.T, a domain.Actor) domain.Meta { return dt.Meta(t, a, dt.At(time.Hour)) }

func entry(n uint64) fieldlog.Entry { return fieldlog.Entry{ID: dt.Report(n), Marking: amber} }

func correction(n, of uint64) fieldlog.Entry {
	return fieldlog.Entry{ID: dt.Report(n), Marking: amber, Corrects: dt.Report(of)}
}

func header(n uint64) fieldlog.Header {
	return fieldlog.Header{ReportID: dt.Report(n), OperationID: opID, UnitID: unit, Marking: amber}
}

func correctionHeader(n, of uint64) fieldlog.Header {
	h := header(n)
	h.Corrects = dt.Report(of)
	return h
}

func positioned(n uint64, at geo.Point) *fieldlog.PositionReported {
	return &fieldlog.PositionReported{Header: header(n), Position: fieldlog.Position{Point: at, Source: fieldlog.SourceGPS}}
}

func retracted(n, of uint64) *fieldlog.ReportRetracted {
	return &fieldlog.ReportRetracted{ReportID: dt.Report(n), OperationID: opID, UnitID: unit, Retracts: dt.Report(of), Reason: "wrong unit"}
}

var survStart = fieldlog.SurveillanceStart{
	Activity: surv, Target: "Grey Audi A6, plate XX-123", Offence: "drug trafficking",
	Authorisation: fieldlog.AuthorisationUrgent,
}

func survStarted(n uint64) *fieldlog.SurveillanceStarted {
	return &fieldlog.SurveillanceStarted{Header: header(n), SurveillanceStart: survStart}
}

var pursStart = fieldlog.PursuitStart{
	Activity: purs, Grounds: fieldlog.GroundsCaughtInAct, Offence: "armed robbery", Target: "Black BMW", Point: pt,
}

func pursStarted(n uint64) *fieldlog.PursuitStarted {
	return &fieldlog.PursuitStarted{Header: header(n), PursuitStart: pursStart}
}

var notification = fieldlog.HostNotification{
	Notification: note, HostState: dt.State("FR"), Authority: dt.Agency(5), Channel: fieldlog.ChannelPhone,
	Activity: surv, Text: "Urgent surveillance crossing at Lauterbourg",
}

var apprehension = fieldlog.Apprehension{Subject: subj, Nationality: dt.State("NL"), Grounds: "caught in the act", Point: pt}

func ps(p ...domain.Payload) []domain.Payload { return p }
