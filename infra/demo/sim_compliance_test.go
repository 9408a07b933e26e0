package demo

import (
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain/geo"
)

// TestPlannerBreachesTheAgreements: the first pursuit and the first
// surveillance go wrong the way the compliance policy flags — the pursuer
// notifies the host late and runs past the host's 5 km, the surveillance
// team apprehends its target abroad — and the second pursuit is clean.
func TestPlannerBreachesTheAgreements(t *testing.T) {
	w := mustLoad(t)
	rs := planned(w, 1, 1, 3600) // a tick is a simulated second
	pursuer, watcher := w.Unit(w.Scenario.PursuitUnit).ID, w.Unit(w.Scenario.SurveillanceUnit).ID

	type crossing struct {
		at    int
		point pointJSON
	}
	var crossings []crossing
	var notified []int
	var ceased []pointJSON
	var watched *uuid.UUID
	apprehendedAbroad := false
	for i, r := range rs {
		switch b := r.body.(type) {
		case *borderCrossingReport:
			if r.who.subject == pursuer && b.Activity != nil {
				crossings = append(crossings, crossing{i, b.Point})
			}
		case *hostNotificationReport:
			if r.who.subject == pursuer && b.Activity != nil {
				notified = append(notified, i)
			}
		case *pursuitCeaseReport:
			ceased = append(ceased, b.Point)
		case *surveillanceStartReport:
			if r.who.subject == watcher && watched == nil {
				a := b.Activity
				watched = &a
			}
		case *apprehensionReport:
			if r.who.subject == watcher && watched != nil && b.Activity != nil && *b.Activity == *watched {
				apprehendedAbroad = true
			}
		}
	}
	if len(crossings) < 2 || len(notified) < 2 || len(ceased) < 2 {
		t.Fatalf("%d pursuit crossings, %d notifications, %d ceased: want two pursuits", len(crossings), len(notified), len(ceased))
	}
	if late := notified[0] - crossings[0].at; late < pursuitNotifyLate {
		t.Errorf("the first pursuit notified the host %d s after crossing, want at least %d", late, pursuitNotifyLate)
	}
	if late := notified[1] - crossings[1].at; late > 10 {
		t.Errorf("the second pursuit notified the host %d s after crossing, want at once", late)
	}
	for i, want := range []struct{ min, max float64 }{{5500, 1e9}, {0, 2000}} {
		from := mustPoint(t, crossings[i].point)
		if d := geo.Distance(from, mustPoint(t, ceased[i])); d < want.min || d > want.max {
			t.Errorf("pursuit %d ceased %.0f m from where it crossed, want %.0f–%.0f", i+1, d, want.min, want.max)
		}
	}
	if !apprehendedAbroad {
		t.Error("the first surveillance's team apprehended nobody under it")
	}
}

func mustPoint(t *testing.T, p pointJSON) geo.Point {
	t.Helper()
	pt, err := geo.NewPoint(p.Lat, p.Lon)
	if err != nil {
		t.Fatal(err)
	}
	return pt
}
