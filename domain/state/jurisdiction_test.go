package state_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/state"
)

const metresPerDegree = math.Pi / 180 * orb.EarthRadius

// river returns a border running north along lon from lat0 to lat1 in n
// vertices, meandering up to amp degrees either side: a realistic land
// border of several thousand vertices that never crosses itself.
func river(seed uint64, lon, lat0, lat1 float64, n int, amp float64) orb.LineString {
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

// riverStates returns France west and Germany east of a meandering border
// of n vertices, each declaring it (and Germany a second border with
// Switzerland along its southern edge).
func riverStates(t testing.TB, n int) (border orb.LineString, states []*state.State) {
	border = river(7, 7.5, 47.5, 49.5, n, 0.05)
	west := append(orb.Ring{}, border...)
	west = append(west, orb.Point{6, 49.5}, orb.Point{6, 47.5}, border[0])
	east := append(orb.Ring{}, border...)
	east = append(east, orb.Point{9, 49.5}, orb.Point{9, 47.5}, border[0])
	line := dt.Must(geo.NewLine(border))
	south := dt.Must(geo.NewLine(orb.LineString{{7.5, 47.5}, {9, 47.5}}))
	fr := dt.Given(t, state.New(dt.State("FR")),
		&state.Registered{Code: dt.State("FR"), Name: "France", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{west}}))},
		&state.LandBorderDeclared{Code: dt.State("FR"), Neighbour: dt.State("DE"), Line: line}).Aggregate()
	de := dt.Given(t, state.New(dt.State("DE")),
		&state.Registered{Code: dt.State("DE"), Name: "Germany", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{east}}))},
		&state.LandBorderDeclared{Code: dt.State("DE"), Neighbour: dt.State("FR"), Line: line},
		&state.LandBorderDeclared{Code: dt.State("DE"), Neighbour: dt.State("CH"), Line: south}).Aggregate()
	return border, []*state.State{fr, de}
}

func mustGeo[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func pt(t testing.TB, lat, lon float64) geo.Point {
	return mustGeo[geo.Point](t)(geo.NewPoint(lat, lon))
}

// TestJurisdictionAgreesWithLocate: the index answers exactly as the scan,
// on points all over and near a 5,000-vertex border.
func TestJurisdictionAgreesWithLocate(t *testing.T) {
	border, states := riverStates(t, 5000)
	j := state.NewJurisdiction(states...)
	rng := rand.New(rand.NewPCG(1, 1))
	found := map[domain.StateCode]int{}
	for i := range 1500 {
		p := pt(t, 47.3+rng.Float64()*2.4, 5.8+rng.Float64()*3.4)
		if i%2 == 0 {
			v := border[rng.IntN(len(border))]
			p = pt(t, v[1]+(rng.Float64()*2-1)*1e-3, v[0]+(rng.Float64()*2-1)*1e-3)
		}
		want, wantOK := state.Locate(p, states...)
		got, ok := j.Locate(p)
		if ok != wantOK || got != want {
			t.Fatalf("Locate(%v) = %+v %v; the scan says %+v %v", p.Orb(), got, ok, want, wantOK)
		}
		found[got.State]++
	}
	if found[dt.State("FR")] == 0 || found[dt.State("DE")] == 0 || found[domain.StateCode{}] == 0 {
		t.Fatalf("the sample missed a side: %v", found)
	}
}

// corner is an L-shaped border bending at (7, 49): north along 7°E, then
// east along 49°N. Germany holds the quadrant south-east of the bend,
// France wraps around it.
func corner(t testing.TB) *state.Jurisdiction {
	bend := dt.Must(geo.NewLine(orb.LineString{{7, 47}, {7, 49}, {9, 49}}))
	fr := dt.Given(t, state.New(dt.State("FR")),
		&state.Registered{Code: dt.State("FR"), Name: "France", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{
			{6, 47}, {7, 47}, {7, 49}, {9, 49}, {9, 51}, {6, 51}, {6, 47}}}}))},
		&state.LandBorderDeclared{Code: dt.State("FR"), Neighbour: dt.State("DE"), Line: bend}).Aggregate()
	de := dt.Given(t, state.New(dt.State("DE")),
		&state.Registered{Code: dt.State("DE"), Name: "Germany", Territory: dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{
			{7, 47}, {9, 47}, {9, 49}, {7, 49}, {7, 47}}}}))},
		&state.LandBorderDeclared{Code: dt.State("DE"), Neighbour: dt.State("FR"), Line: bend}).Aggregate()
	return state.NewJurisdiction(fr, de)
}

// offset returns the point north and west metres from (lat, lon), as the
// local projection measures them.
func offset(t testing.TB, lat, lon, north, west float64) geo.Point {
	la := lat + north/metresPerDegree
	return pt(t, la, lon-west/(metresPerDegree*math.Cos(la*math.Pi/180)))
}

// TestDistanceLimitAtTheBorder is the 10 km pursuit limit of a declaration
// against the distance Locate derives: 9.9 km is within, 10.1 km beyond —
// on a straight stretch of the border and in the corner where it bends,
// where the nearest point of the border is the bend itself.
func TestDistanceLimitAtTheBorder(t *testing.T) {
	j := corner(t)
	tenKm := agreement.Limits{DistanceKm: 10}
	bend := pt(t, 49, 7)
	tests := []struct {
		name          string
		at            geo.Point
		metres        float64
		beyond        bool
		nearestIsBend bool
	}{
		{"9.9 km west of the straight border", offset(t, 48, 7, 0, 9900), 9900, false, false},
		{"10.1 km west of the straight border", offset(t, 48, 7, 0, 10100), 10100, true, false},
		{"9.9 km from the bend, diagonally across its outside", offset(t, 49, 7, 7000, 7000), math.Hypot(7000, 7000), false, true},
		{"10.1 km from the bend, diagonally across its outside", offset(t, 49, 7, 7142, 7142), math.Hypot(7142, 7142), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, ok := j.Locate(tt.at)
			if !ok || loc.State != dt.State("FR") || !loc.HasBorder || loc.Neighbour != dt.State("DE") {
				t.Fatalf("Locate = %+v %v", loc, ok)
			}
			if math.Abs(loc.BorderDistance-tt.metres) > 0.01 {
				t.Errorf("border at %.3f m, want %.3f m", loc.BorderDistance, tt.metres)
			}
			if got := tenKm.BeyondDistance(loc.BorderDistance); got != tt.beyond {
				t.Errorf("beyond 10 km = %v at %.1f m", got, loc.BorderDistance)
			}
			if tt.nearestIsBend {
				// The great-circle distance to the bend agrees within 0.1 %
				// (the local projection is off by about 3 m at 10 km): far
				// less than the 200 m between the two cases.
				if hav := orbgeo.DistanceHaversine(tt.at.Orb(), bend.Orb()); math.Abs(hav-loc.BorderDistance) > 0.001*hav {
					t.Errorf("haversine to the bend %.1f m, Locate %.1f m", hav, loc.BorderDistance)
				}
			}
		})
	}
}

func TestCrossing(t *testing.T) {
	j := corner(t)
	tests := []struct {
		name     string
		from, to geo.Point
		crossed  bool
		want     state.Crossing
	}{
		{name: "from Germany north over the eastward arm, 850 m from the bend",
			from: pt(t, 48.995, 7.02), to: pt(t, 49.01, 6.995), crossed: true,
			want: state.Crossing{From: dt.State("DE"), To: dt.State("FR"), At: pt(t, 49, 7.02-0.025/3)}},
		{name: "through the bend itself, diagonally",
			from: pt(t, 48.99, 7.01), to: pt(t, 49.01, 6.99), crossed: true,
			want: state.Crossing{From: dt.State("DE"), To: dt.State("FR"), At: pt(t, 49, 7)}},
		{name: "from France west over the northward arm",
			from: pt(t, 48, 6.9), to: pt(t, 48, 7.1), crossed: true,
			want: state.Crossing{From: dt.State("FR"), To: dt.State("DE"), At: pt(t, 48, 7)}},
		{name: "out of every known territory",
			from: pt(t, 48, 8.9), to: pt(t, 48, 9.1), crossed: true,
			want: state.Crossing{From: dt.State("DE"), At: pt(t, 48, 9)}},
		{name: "along the border inside France", from: pt(t, 48, 6.9), to: pt(t, 48.5, 6.95)},
		// Both reports in France: the path cuts through Germany's corner in
		// between, which two positions cannot show.
		{name: "two French positions either side of the German corner", from: pt(t, 48.9, 6.99), to: pt(t, 49.01, 7.1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := j.Crossing(tt.from, tt.to)
			if ok != tt.crossed {
				t.Fatalf("Crossing = %+v %v, want crossed=%v", c, ok, tt.crossed)
			}
			if !ok {
				return
			}
			if c.From != tt.want.From || c.To != tt.want.To {
				t.Errorf("from %q to %q, want %q to %q", c.From, c.To, tt.want.From, tt.want.To)
			}
			if d := geo.Distance(c.At, tt.want.At); d > 2*state.CrossingTolerance {
				t.Errorf("crossed at %v, %.2f m from %v", c.At.Orb(), d, tt.want.At.Orb())
			}
		})
	}
}
