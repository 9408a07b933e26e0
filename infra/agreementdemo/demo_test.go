package agreementdemo_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/infra/agreementdemo"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// handlers returns the command handlers on a SQLite log in a temporary
// directory, and a count of the log's events.
func handlers(t *testing.T) (*commands.Handlers, func() int) {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := eventlog.OpenOutcomes(ctx, filepath.Join(dir, "commands.db"))
	if err != nil {
		t.Fatal(err)
	}
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	h, err := commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: outcomes,
		Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close(context.Background())
		store.Close()
		outcomes.Close()
	})
	count := func() int {
		n, from := 0, eventstore.Start
		for {
			page, err := store.ReadAll(ctx, eventstore.Forwards, from, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				return n
			}
			n += len(page)
			from = eventstore.After(page[len(page)-1].Position)
		}
	}
	return h, count
}

func principal(t *testing.T, role commands.Role) commands.Principal {
	t.Helper()
	agency, err := domain.NewAgencyID(uuid.MustParse("11111111-1111-4111-8111-111111111111"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := commands.NewPrincipal(agency, uuid.New(), role)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func state(code string) domain.StateCode {
	c, err := domain.ParseStateCode(code)
	if err != nil {
		panic(err)
	}
	return c
}

func versions(s agreementdemo.Set) int {
	n := 0
	for _, a := range s.Agreements {
		n += len(a.Versions)
		for _, p := range a.Provisions {
			n += len(p.Versions)
		}
	}
	return n
}

// TestDefaultSetIsMarkedAsDemoData: nothing of the set may pass for law.
func TestDefaultSetIsMarkedAsDemoData(t *testing.T) {
	s, err := agreementdemo.Default()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Description, "DEMO DATA, NOT THE LAW") {
		t.Errorf("description %q", s.Description)
	}
	keys := map[agreement.Key]bool{}
	for _, a := range s.Agreements {
		keys[a.Key] = true
		for _, v := range a.Versions {
			if !v.Terms.Demo || !strings.HasPrefix(v.Terms.Source, "DEMO DATA") {
				t.Errorf("%s: terms not marked as demo data: demo=%v source=%q", a.Key, v.Terms.Demo, v.Terms.Source)
			}
		}
	}
	for _, k := range []agreement.Key{"cisa", "prum", "de-art41", "fr-art41", "at-art41"} {
		if !keys[k] {
			t.Errorf("the set has no %s", k)
		}
	}
}

// TestLoadThroughTheHandlers loads the demo set as an administrator, loads
// it again (nothing changes), and asks it the questions the compliance
// rules will ask.
func TestLoadThroughTheHandlers(t *testing.T) {
	h, events := handlers(t)
	ctx := t.Context()
	admin := principal(t, commands.RoleAdmin)
	s, err := agreementdemo.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreementdemo.Load(ctx, h, principal(t, commands.RoleCommander), s, now); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("a commander loads the set: %v, want forbidden", err)
	}
	first, err := agreementdemo.Load(ctx, h, admin, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Recorded != versions(s) || first.Skipped != 0 || events() != versions(s) {
		t.Fatalf("first load: %+v, %d events; want %d recorded", first, events(), versions(s))
	}
	again, err := agreementdemo.Load(ctx, h, admin, s, now.Add(time.Hour))
	if err != nil || again.Recorded != 0 || again.Skipped != versions(s) || events() != versions(s) {
		t.Fatalf("second load: %+v %v, %d events", again, err, events())
	}

	all := make([]agreement.Key, len(s.Agreements))
	for i, a := range s.Agreements {
		all[i] = a.Key
	}
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		q       agreement.Query
		want    agreement.ProvisionRef
		reason  agreement.Reason
		checkFn func(t *testing.T, g agreement.Governing)
	}{
		{
			name: "German officers pursuing into France: the French declaration, 10 km",
			q:    agreement.Query{Host: state("FR"), Sending: state("DE"), Action: agreement.ActionHotPursuit, At: now},
			want: agreement.ProvisionRef{Agreement: "fr-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if g.Terms.Limits.DistanceKm != 10 || g.Terms.Apprehension != agreement.ApprehensionNone || !g.Demo {
					t.Errorf("terms %+v", g.Terms)
				}
			},
		},
		{
			name: "French officers pursuing into Germany: no limits, hold until German officers arrive, 6 h",
			q:    agreement.Query{Host: state("DE"), Sending: state("FR"), Action: agreement.ActionHotPursuit, At: now},
			want: agreement.ProvisionRef{Agreement: "de-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if _, ok := g.Terms.Limits.Distance(); ok || g.Terms.Apprehension != agreement.ApprehensionHold ||
					g.Terms.Handover.WithinMinutes != 360 || g.Terms.Handover.UncountedUntil != "09:00" {
					t.Errorf("terms %+v", g.Terms)
				}
			},
		},
		{
			name: "German officers pursuing into Austria since 2026 (the demo's pursuit): 5 km, 60 min, hold",
			q:    agreement.Query{Host: state("AT"), Sending: state("DE"), Action: agreement.ActionHotPursuit, At: date(2026, 6, 1)},
			want: agreement.ProvisionRef{Agreement: "at-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if g.Version != 2 || !g.Terms.Limits.BeyondDistance(5_100) || g.Terms.Limits.BeyondDistance(4_900) ||
					g.Terms.Limits.DurationMinutes != 60 || g.Terms.Apprehension != agreement.ApprehensionHold {
					t.Errorf("version %d, terms %+v", g.Version, g.Terms)
				}
			},
		},
		{
			name: "… and in 2025: no distance limit",
			q:    agreement.Query{Host: state("AT"), Sending: state("DE"), Action: agreement.ActionHotPursuit, At: date(2025, 6, 1)},
			want: agreement.ProvisionRef{Agreement: "at-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if _, ok := g.Terms.Limits.Distance(); ok || g.Version != 1 {
					t.Errorf("version %d, terms %+v", g.Version, g.Terms)
				}
			},
		},
		{
			name: "Czech officers following a target into Germany: Art. 40 gives no right of apprehension",
			q: agreement.Query{Host: state("DE"), Sending: state("CZ"), Action: agreement.ActionSurveillance, At: now,
				Authorisation: agreement.AuthorisationUrgent},
			want: agreement.ProvisionRef{Agreement: "cisa", Provision: "art40-2"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if g.Terms.Apprehension != agreement.ApprehensionNone {
					t.Errorf("terms %+v", g.Terms)
				}
			},
		},
		{
			name:   "Polish officers pursuing into Germany before Poland applied the Convention",
			q:      agreement.Query{Host: state("DE"), Sending: state("PL"), Action: agreement.ActionHotPursuit, At: date(2007, 12, 20)},
			reason: agreement.ReasonNoProvision,
		},
		{
			name: "… and after",
			q:    agreement.Query{Host: state("DE"), Sending: state("PL"), Action: agreement.ActionHotPursuit, At: date(2007, 12, 21)},
			want: agreement.ProvisionRef{Agreement: "de-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
		},
		{
			name: "urgent surveillance into the Netherlands: 5 h for the authorisation",
			q: agreement.Query{Host: state("NL"), Sending: state("BE"), Action: agreement.ActionSurveillance, At: now,
				Authorisation: agreement.AuthorisationUrgent},
			want: agreement.ProvisionRef{Agreement: "cisa", Provision: "art40-2"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if d, ok := g.Terms.Authorisation.Due(); !ok || d != 5*time.Hour || !g.Terms.Offences.Covers("drug trafficking") {
					t.Errorf("terms %+v", g.Terms)
				}
			},
		},
		{
			name: "a joint patrol of German officers in Austria",
			q:    agreement.Query{Host: state("AT"), Sending: state("DE"), Action: agreement.ActionJointOperation, At: now},
			want: agreement.ProvisionRef{Agreement: "prum", Provision: "art17"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if !g.Terms.HostPresence {
					t.Errorf("terms %+v", g.Terms)
				}
			},
		},
		{
			name: "Belgium limits both distance and time",
			q:    agreement.Query{Host: state("BE"), Sending: state("NL"), Action: agreement.ActionHotPursuit, At: now},
			want: agreement.ProvisionRef{Agreement: "be-art41", Provision: "hot-pursuit"}, reason: agreement.ReasonInForce,
			checkFn: func(t *testing.T, g agreement.Governing) {
				if !g.Terms.Limits.BeyondDistance(10_100) || g.Terms.Limits.BeyondDistance(9_900) ||
					!g.Terms.Limits.BeyondDuration(31*time.Minute) {
					t.Errorf("limits %+v", g.Terms.Limits)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.ProvisionInForce(ctx, principal(t, commands.RoleFieldUnit), all, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Reason != tt.reason || res.Provision.Ref != tt.want || len(res.Ambiguous) > 0 {
				t.Fatalf("%s %s ambiguous %v: %s", res.Reason, res.Provision.Ref, res.Ambiguous, res.Explanation)
			}
			if tt.checkFn != nil {
				tt.checkFn(t, res.Provision)
			}
		})
	}
}

func TestLoadRefusesToRewriteHistory(t *testing.T) {
	h, events := handlers(t)
	ctx := t.Context()
	admin := principal(t, commands.RoleAdmin)
	s, err := agreementdemo.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreementdemo.Load(ctx, h, admin, s, now); err != nil {
		t.Fatal(err)
	}
	before := events()
	changed, err := agreementdemo.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range changed.Agreements {
		if a.Key == "fr-art41" {
			changed.Agreements[i].Provisions[0].Versions[0].Terms.Limits.DistanceKm = 12
		}
	}
	if _, err := agreementdemo.Load(ctx, h, admin, changed, now); !errors.Is(err, agreementdemo.ErrDiverged) {
		t.Fatalf("loading a changed figure into history: %v, want ErrDiverged", err)
	}
	if events() != before {
		t.Fatal("a diverged load appended events")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown field", `{"agreements":[{"key":"x1","kind":"mou","versions":[{"terms":{}}],"colour":"red"}]}`, "unknown field"},
		{"no versions", `{"agreements":[{"key":"x1","kind":"mou","versions":[]}]}`, "no versions"},
		{"a later version without effective time", `{"agreements":[{"key":"x1","kind":"mou","versions":[{"terms":{}},{"terms":{}}]}]}`,
			"effective_at required"},
		{"an agreement twice", `{"agreements":[{"key":"x1","versions":[{"terms":{}}]},{"key":"x1","versions":[{"terms":{}}]}]}`,
			"listed twice"},
		{"a provision twice", `{"agreements":[{"key":"x1","versions":[{"terms":{}}],"provisions":[{"key":"p1","versions":[{"terms":{}}]},{"key":"p1","versions":[{"terms":{}}]}]}]}`,
			"listed twice"},
		{"trailing data", `{"agreements":[]} {}`, "after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := agreementdemo.Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
