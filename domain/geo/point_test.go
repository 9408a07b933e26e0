package geo_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

func TestNewPoint(t *testing.T) {
	nan, posInf, negInf := math.NaN(), math.Inf(1), math.Inf(-1)
	tests := []struct {
		name     string
		lat, lon float64
		opts     []geo.PointOption
		bad      []string // fields with problems; none means valid
	}{
		{name: "plain", lat: 48.5, lon: 7.7},
		{name: "poles and antimeridian are in range", lat: -90, lon: 180},
		{name: "with altitude and accuracy", lat: 1, lon: 2, opts: []geo.PointOption{geo.Altitude(-400), geo.Accuracy(0)}},
		{name: "latitude above 90", lat: 90.0001, lon: 0, bad: []string{"lat"}},
		{name: "latitude below -90", lat: -91, lon: 0, bad: []string{"lat"}},
		{name: "longitude above 180", lat: 0, lon: 180.5, bad: []string{"lon"}},
		{name: "longitude below -180", lat: 0, lon: -181, bad: []string{"lon"}},
		{name: "NaN latitude", lat: nan, lon: 0, bad: []string{"lat"}},
		{name: "infinite longitude", lat: 0, lon: posInf, bad: []string{"lon"}},
		{name: "both bad", lat: negInf, lon: nan, bad: []string{"lat", "lon"}},
		{name: "NaN altitude", lat: 0, lon: 0, opts: []geo.PointOption{geo.Altitude(nan)}, bad: []string{"alt_m"}},
		{name: "infinite altitude", lat: 0, lon: 0, opts: []geo.PointOption{geo.Altitude(posInf)}, bad: []string{"alt_m"}},
		{name: "altitude in orbit", lat: 0, lon: 0, opts: []geo.PointOption{geo.Altitude(400_000)}, bad: []string{"alt_m"}},
		{name: "negative accuracy", lat: 0, lon: 0, opts: []geo.PointOption{geo.Accuracy(-1)}, bad: []string{"accuracy_m"}},
		{name: "NaN accuracy", lat: 0, lon: 0, opts: []geo.PointOption{geo.Accuracy(nan)}, bad: []string{"accuracy_m"}},
		{name: "infinite accuracy", lat: 0, lon: 0, opts: []geo.PointOption{geo.Accuracy(posInf)}, bad: []string{"accuracy_m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := geo.NewPoint(tt.lat, tt.lon, tt.opts...)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("NewPoint: %v", err)
				}
				if p.Lat() != tt.lat || p.Lon() != tt.lon {
					t.Errorf("got (%v, %v), want (%v, %v)", p.Lat(), p.Lon(), tt.lat, tt.lon)
				}
				return
			}
			assertFields(t, err, tt.bad...)
		})
	}
}

func TestPointJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		opts []geo.PointOption
		want string
	}{
		{name: "bare", want: `{"lat":48.1,"lon":11.5}`},
		{name: "full", opts: []geo.PointOption{geo.Altitude(520.5), geo.Accuracy(4)},
			want: `{"lat":48.1,"lon":11.5,"alt_m":520.5,"accuracy_m":4}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := geo.NewPoint(48.1, 11.5, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("marshal = %s, want %s", b, tt.want)
			}
			var back geo.Point
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back != p {
				t.Errorf("round trip = %+v, want %+v", back, p)
			}
		})
	}
}

func TestPointUnmarshalValidates(t *testing.T) {
	tests := []struct{ name, in string }{
		{name: "latitude out of range", in: `{"lat":91,"lon":0}`},
		{name: "missing latitude", in: `{"lon":0}`},
		{name: "missing longitude", in: `{"lat":0}`},
		{name: "negative accuracy", in: `{"lat":0,"lon":0,"accuracy_m":-3}`},
		{name: "not an object", in: `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p geo.Point
			if err := json.Unmarshal([]byte(tt.in), &p); err == nil {
				t.Fatalf("Unmarshal(%s) accepted %+v", tt.in, p)
			}
		})
	}
}

// assertFields checks that err is a validation error naming exactly the
// given field paths (in any order, each at least once).
func assertFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("error %v: want one that Is ErrInvalid", err)
	}
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v: want a *domain.ValidationError", err)
	}
	got := map[string]bool{}
	for _, p := range v.Problems {
		got[p.Field] = true
	}
	for _, f := range fields {
		if !got[f] {
			t.Errorf("no problem with %q in %v", f, err)
		}
	}
	if len(got) != len(fields) {
		t.Errorf("problems with %v, want exactly %v", got, fields)
	}
}
