package compliance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
	"github.com/jointops/jointops/projections/compliance"
)

// meander returns a border running north along lon from lat0 to lat1 in n
// vertices, meandering up to amp degrees either side — the territories of
// the part-1 benchmark (domain/state's riverStates), rebuilt here since
// test helpers are not shared between packages.
func meander(seed uint64, lon, lat0, lat1 float64, n int, amp float64) orb.LineString {
	rng := rand.New(rand.NewPCG(seed, seed))
	ls := make(orb.LineString, n)
	x := 0.0
	for i := range n {
		x = 0.8*x + (rng.Float64()*2-1)*amp*0.6
		x = math.Max(-amp, math.Min(amp, x))
		if i == 0 || i == n-1 {
			x = 0
		}
		ls[i] = orb.Point{lon + x, lat0 + (lat1-lat0)*float64(i)/float64(n-1)}
	}
	return ls
}

// benchLoad is a busy border operation: 200 units of a French and a
// German agency reporting positions, half within about 1 km of a
// 5,000-vertex border (so units keep crossing it), half anywhere in the
// two states.
type benchLoad struct {
	n      int
	rng    *rand.Rand
	border orb.LineString
	units  []domain.UnitID
	owner  []domain.AgencyID
	marks  map[domain.AgencyID]marking.Marking
	revs   map[string]uint64
}

func newBenchLoad(b *testing.B) (*benchLoad, []projections.Envelope) {
	l := &benchLoad{rng: rand.New(rand.NewPCG(9, 9)), border: meander(7, 7.5, 47.5, 49.5, 5000, 0.05),
		marks: map[domain.AgencyID]marking.Marking{}, revs: map[string]uint64{}}
	frA, deA := dt.Agency(2), dt.Agency(1)
	for _, a := range []domain.AgencyID{deA, frA} {
		l.marks[a] = dt.Must(marking.New(marking.Spec{Originator: a, TLP: marking.TLPGreen,
			Evaluation: dt.Must(marking.NewEvaluation(marking.ReliabilityB, 2))}))
	}
	west := append(append(orb.Ring{}, l.border...), orb.Point{6, 49.5}, orb.Point{6, 47.5}, l.border[0])
	east := append(append(orb.Ring{}, l.border...), orb.Point{9, 49.5}, orb.Point{9, 47.5}, l.border[0])
	line := dt.Must(geo.NewLine(l.border))
	since := dt.At(-1000 * time.Hour)
	joint := agreement.ProvisionTerms{Article: "Art. 17", Title: "Joint patrols", Action: agreement.ActionJointOperation,
		Offences: agreement.Offences{Kind: agreement.OffencesAny}, Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationPrior},
		Notification: agreement.Notification{When: agreement.NotifyNone}, Apprehension: agreement.ApprehensionHold,
		Modes: []agreement.Mode{agreement.ModeLand}, Weapons: agreement.WeaponsHostLaw, Validity: agreement.Validity{From: since}}
	ps := []struct {
		stream string
		p      domain.Payload
	}{
		{state.Stream(fr), &state.Registered{Code: fr, Name: "France", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{west}}))}},
		{state.Stream(fr), &state.LandBorderDeclared{Code: fr, Neighbour: de, Line: line}},
		{state.Stream(de), &state.Registered{Code: de, Name: "Germany", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{east}}))}},
		{state.Stream(de), &state.LandBorderDeclared{Code: de, Neighbour: fr, Line: line}},
		{agreement.Stream("prum"), &agreement.Recorded{Agreement: "prum", Kind: agreement.KindMultilateral, Terms: agreement.Terms{
			Title: "Prüm Decision", Instrument: "Prüm", Parties: []domain.StateCode{de, fr}, Language: "en", InForce: agreement.Validity{From: since}}}},
		{agreement.Stream("prum"), &agreement.ProvisionRecorded{Agreement: "prum", Provision: "art17", Terms: joint}},
		{"agency-1", &agency.Registered{AgencyID: deA, State: de, Name: "Bundespolizei", Kind: agency.KindPolice}},
		{"agency-2", &agency.Registered{AgencyID: frA, State: fr, Name: "Police nationale", Kind: agency.KindPolice}},
		{operation.Stream(opID), &operation.Proposed{OperationID: opID, Purpose: "load", Lead: deA, Participants: []domain.AgencyID{deA, frA},
			HostStates: []domain.StateCode{de, fr}, ArrangementVersion: 1,
			Area:   dt.Must(geo.NewPolygon(orb.Polygon{{{6, 47.5}, {9, 47.5}, {9, 49.5}, {6, 49.5}, {6, 47.5}}})),
			Period: dt.Must(domain.NewPeriod(dt.At(-time.Hour), dt.At(1000*time.Hour)))}},
	}
	for i := range 200 {
		u, a := dt.Unit(uint64(1000+i)), []domain.AgencyID{deA, frA}[i%2]
		l.units, l.owner = append(l.units, u), append(l.owner, a)
		ps = append(ps, struct {
			stream string
			p      domain.Payload
		}{operation.Stream(opID), &operation.ResourceCheckedIn{OperationID: opID, UnitID: u, Agency: a, Kind: operation.ResourceUnit,
			CallSign: fmt.Sprint("U", i), Personnel: 2}})
	}
	setUp := make([]projections.Envelope, len(ps))
	for i, p := range ps {
		setUp[i] = l.envelope(p.stream, p.p, l.owner[0])
	}
	return l, setUp
}

func (l *benchLoad) envelope(stream string, p domain.Payload, a domain.AgencyID) projections.Envelope {
	l.n++
	at := dt.T0().Add(time.Duration(l.n) * 200 * time.Microsecond) // 5,000 reports a second
	rev := l.revs[stream]
	l.revs[stream] = rev + 1
	return projections.Envelope{Position: fmt.Sprint(l.n), Stream: stream, Revision: rev,
		Event: domain.Event{Type: p.EventType(), SchemaVersion: 1, OccurredAt: at, RecordedAt: at, Actor: domain.Actor{Agency: a}, Payload: p}}
}

// next fills buf with located position reports.
func (l *benchLoad) next(buf []projections.Envelope) {
	for i := range buf {
		u := l.rng.IntN(len(l.units))
		var p geo.Point
		if i%2 == 0 {
			v := l.border[100+l.rng.IntN(len(l.border)-200)]
			p = pt(v[1]+(l.rng.Float64()*2-1)*0.01, v[0]+(l.rng.Float64()*2-1)*0.01)
		} else {
			p = pt(47.5+l.rng.Float64()*2, 6+l.rng.Float64()*3)
		}
		h := fieldlog.Header{ReportID: dt.Report(uint64(1_000_000 + l.n)), OperationID: opID, UnitID: l.units[u], Marking: l.marks[l.owner[u]]}
		buf[i] = l.envelope(fieldlog.Stream(opID, l.units[u]), &fieldlog.PositionReported{Header: h,
			Position: fieldlog.Position{Point: p, Source: fieldlog.SourceGPS}}, l.owner[u])
	}
}

// BenchmarkLocatedReports folds the same located position reports through
// the bare situation board (board.Fold, the baseline) and through the
// compliance policy (point-in-polygon and border distance against
// 5,000-vertex territories, rules, agreement look-ups on each change of
// state), chunk by chunk, timing each separately. It reports both rates
// per core and policy/board, the policy's share of the board's rate.
func BenchmarkLocatedReports(b *testing.B) {
	const chunk = 4096
	l, setUp := newBenchLoad(b)
	brd := dt.Must(board.New(opID, board.Config{}))
	pol := dt.Must(compliance.New(compliance.Config{}))
	for _, env := range setUp {
		brd.Fold(env)
		pol.Apply(env)
	}
	buf := make([]projections.Envelope, chunk)
	var boardTime, policyTime time.Duration
	flags, events := 0, 0
	for b.Loop() {
		b.StopTimer()
		l.next(buf)
		b.StartTimer()
		start := time.Now()
		for i := range buf {
			brd.Fold(buf[i])
		}
		mid := time.Now()
		for i := range buf {
			flags += len(pol.Apply(buf[i]))
		}
		policyTime += time.Since(mid)
		boardTime += mid.Sub(start)
		events += chunk
	}
	boardRate := float64(events) / boardTime.Seconds()
	policyRate := float64(events) / policyTime.Seconds()
	b.ReportMetric(boardRate, "board-reports/s")
	b.ReportMetric(policyRate, "policy-reports/s")
	b.ReportMetric(policyRate/boardRate, "policy/board")
	b.ReportMetric(float64(flags)/float64(events), "flags/report")
}
