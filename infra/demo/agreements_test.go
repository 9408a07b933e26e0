package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/agreementdemo"
)

// TestSeedRecordsTheAgreements: the seed records the demo agreements
// through the API — every version, the Austrian declaration's 5 km limit
// of 2026 included — and a second seed records nothing again.
func TestSeedRecordsTheAgreements(t *testing.T) {
	srv := newServer(t)
	tokens := srv.tokens(t)
	w := tokens.World()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	cfg := SeedConfig{BaseURL: srv.url, Tokens: tokens, Now: func() time.Time { return now }, Agreements: agreementdemo.DefaultJSON()}

	first, err := Seed(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	names := stepNames(first.Steps)
	for _, want := range []string{"agreement cisa v1", "agreement cisa v5", "provision cisa/art40-2 v1", "provision at-art41/hot-pursuit v2", "agreement prum v1"} {
		if !slices.Contains(names, want) {
			t.Errorf("no step %q in %v", want, names)
		}
	}
	var res struct {
		Found     bool `json:"found"`
		Provision struct {
			Ref struct {
				Agreement string `json:"agreement"`
			} `json:"ref"`
			Version int `json:"version"`
			Terms   struct {
				Limits struct {
					DistanceKm float64 `json:"distance_km"`
				} `json:"limits"`
			} `json:"terms"`
		} `json:"provision"`
	}
	srv.get(t, tokens, w.commander("bypol"), "/v1/provisions/in-force?host=AT&sending=DE&action=hot_pursuit&at=2026-11-28T10:00:00Z"+
		"&agreement=cisa&agreement=at-art41", &res)
	if !res.Found || res.Provision.Ref.Agreement != "at-art41" || res.Provision.Version != 2 || res.Provision.Terms.Limits.DistanceKm != 5 {
		t.Errorf("a German pursuit into Austria is governed by %+v, want the Austrian declaration's version 2 (5 km)", res)
	}

	events := srv.events(t)
	second, err := Seed(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range stepNames(second.Steps) {
		if strings.HasPrefix(n, "agreement ") || strings.HasPrefix(n, "provision ") {
			t.Errorf("the second seed recorded %q again", n)
		}
	}
	if got := srv.events(t); got != events {
		t.Errorf("the second seed appended %d events", got-events)
	}
}

func stepNames(steps []SeedStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Name
	}
	return out
}
