package eventlog_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

var (
	agreementAdmin = principal(lead, 40, commands.RoleAdmin)
	since1995      = time.Date(1995, 3, 26, 0, 0, 0, 0, time.UTC)
)

func cisaRecord() commands.AgreementRecord {
	return commands.AgreementRecord{Agreement: "cisa", OccurredAt: now, Kind: agreement.KindMultilateral, Terms: agreement.Terms{
		Title: "Convention implementing the Schengen Agreement", Instrument: "CISA",
		Parties: []domain.StateCode{dt.State("DE"), dt.State("FR")}, Language: "en",
		InForce: agreement.Validity{From: since1995},
	}}
}

func pursuitRecord() commands.ProvisionRecord {
	return commands.ProvisionRecord{Agreement: "cisa", Provision: "art41", OccurredAt: now, Terms: agreement.ProvisionTerms{
		Article: "Art. 41", Title: "Hot pursuit", Action: agreement.ActionHotPursuit,
		Offences:      agreement.Offences{Kind: agreement.OffencesExtraditable},
		Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationNotRequired},
		Notification:  agreement.Notification{When: agreement.NotifyAtCrossing, ContactPoint: agency.PurposePursuitNotification},
		Apprehension:  agreement.ApprehensionNone, Modes: []agreement.Mode{agreement.ModeLand},
		Weapons: agreement.WeaponsSelfDefence, Report: agreement.Report{Required: true},
		Validity: agreement.Validity{From: since1995},
	}}
}

// TestAgreementsAreForAdministrators tries every agreement command as every
// role but admin, from the denied side: each is forbidden and appends
// nothing; then an administrator does the same.
func TestAgreementsAreForAdministrators(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	effective := now.Add(-time.Hour)
	commandsToTry := []struct {
		name string
		do   func(p commands.Principal) error
	}{
		{"record an agreement", func(p commands.Principal) error {
			_, err := e.h.RecordAgreement(ctx, p, cmdID(), cisaRecord())
			return err
		}},
		{"record a provision", func(p commands.Principal) error {
			_, err := e.h.RecordProvision(ctx, p, cmdID(), pursuitRecord())
			return err
		}},
		{"amend a provision", func(p commands.Principal) error {
			in := pursuitRecord()
			in.Terms.Limits.DistanceKm = 10
			_, err := e.h.AmendProvision(ctx, p, cmdID(), commands.ProvisionAmendment{Agreement: "cisa", Provision: "art41",
				OccurredAt: now, EffectiveAt: effective, Terms: in.Terms})
			return err
		}},
		{"suspend a provision", func(p commands.Principal) error {
			_, err := e.h.SuspendProvision(ctx, p, cmdID(), commands.ProvisionStatusChange{Agreement: "cisa", Provision: "art41",
				OccurredAt: now, EffectiveAt: effective, Reason: "review"})
			return err
		}},
		{"reinstate a provision", func(p commands.Principal) error {
			_, err := e.h.ReinstateProvision(ctx, p, cmdID(), commands.ProvisionStatusChange{Agreement: "cisa", Provision: "art41",
				OccurredAt: now, EffectiveAt: effective, Reason: "reviewed"})
			return err
		}},
		{"supersede a provision", func(p commands.Principal) error {
			_, err := e.h.SupersedeProvision(ctx, p, cmdID(), commands.ProvisionSupersession{Agreement: "cisa", Provision: "art41",
				OccurredAt: now, EffectiveAt: effective, By: agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}, Reason: "recast"})
			return err
		}},
		{"amend the agreement", func(p commands.Principal) error {
			in := cisaRecord()
			in.Terms.Title += " (consolidated)"
			_, err := e.h.AmendAgreement(ctx, p, cmdID(), commands.AgreementAmendment{Agreement: "cisa", OccurredAt: now,
				EffectiveAt: effective, Terms: in.Terms})
			return err
		}},
		{"suspend the agreement", func(p commands.Principal) error {
			_, err := e.h.SuspendAgreement(ctx, p, cmdID(), commands.AgreementStatusChange{Agreement: "cisa", OccurredAt: now,
				EffectiveAt: effective, Reason: "emergency"})
			return err
		}},
		{"reinstate the agreement", func(p commands.Principal) error {
			_, err := e.h.ReinstateAgreement(ctx, p, cmdID(), commands.AgreementStatusChange{Agreement: "cisa", OccurredAt: now,
				EffectiveAt: effective, Reason: "over"})
			return err
		}},
		{"supersede the agreement", func(p commands.Principal) error {
			_, err := e.h.SupersedeAgreement(ctx, p, cmdID(), commands.AgreementSupersession{Agreement: "cisa", OccurredAt: now,
				EffectiveAt: effective, By: "sbc", Reason: "replaced"})
			return err
		}},
	}
	denied := []struct {
		name string
		p    commands.Principal
		code domain.Code
	}{
		{"commander", leadCommander, commands.CodeRoleNotAllowed},
		{"field unit", unit7, commands.CodeRoleNotAllowed},
		{"observer", partnerObserver, commands.CodeReadOnlyRole},
		{"investigator", investigator, commands.CodeReadOnlyRole},
	}
	for _, c := range commandsToTry {
		for _, d := range denied {
			before := e.events(t)
			err := c.do(d.p)
			if code, _ := domain.CodeOf(err); !errors.Is(err, domain.ErrForbidden) || code != d.code {
				t.Fatalf("%s may %s: %v, want forbidden %s", d.name, c.name, err, d.code)
			}
			if e.events(t) != before {
				t.Fatalf("%s was refused to %s, but the log grew", d.name, c.name)
			}
		}
		if err := c.do(agreementAdmin); err != nil {
			t.Fatalf("an administrator may %s: %v", c.name, err)
		}
	}
	if n := e.events(t); n != len(commandsToTry) {
		t.Fatalf("the log holds %d events, want one per command (%d)", n, len(commandsToTry))
	}
}

func TestAgreementCommandsAreIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	okID, badID := cmdID(), cmdID()
	first, err := e.h.RecordAgreement(ctx, agreementAdmin, okID, cisaRecord())
	if err != nil {
		t.Fatal(err)
	}
	if first.Stream != "agreement-cisa" || first.Revision != 0 || first.Events != 1 {
		t.Fatalf("accepted %+v", first)
	}
	_, refusal := e.h.RecordAgreement(ctx, agreementAdmin, badID, cisaRecord())
	if code, _ := domain.CodeOf(refusal); code != agreement.CodeAlreadyRecorded {
		t.Fatalf("recording twice: %v", refusal)
	}
	count := e.events(t)
	for _, round := range []string{"same process", "after restart"} {
		if round == "after restart" {
			e.restart(t)
		}
		again, err := e.h.RecordAgreement(ctx, agreementAdmin, okID, cisaRecord())
		if err != nil || again != first {
			t.Fatalf("%s: retry = %+v, %v; want %+v", round, again, err, first)
		}
		if _, err := e.h.RecordAgreement(ctx, agreementAdmin, badID, cisaRecord()); err == nil || err.Error() != refusal.Error() {
			t.Fatalf("%s: retry of a refused command = %v, want %v", round, err, refusal)
		}
		other := cisaRecord()
		other.Terms.Title = "Another title"
		if _, err := e.h.RecordAgreement(ctx, agreementAdmin, okID, other); !errors.Is(err, commands.ErrCommandIDReused) {
			t.Fatalf("%s: same ID, different body = %v", round, err)
		}
		if n := e.events(t); n != count {
			t.Fatalf("%s: retries appended %d events", round, n-count)
		}
	}
}

// TestProvisionInForceThroughTheHandlers records CISA Art. 41 and a French
// declaration refining it, suspends the declaration, and asks.
func TestProvisionInForceThroughTheHandlers(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	must := func(_ commands.Accepted, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.h.RecordAgreement(ctx, agreementAdmin, cmdID(), cisaRecord()))
	must(e.h.RecordProvision(ctx, agreementAdmin, cmdID(), pursuitRecord()))
	must(e.h.RecordAgreement(ctx, agreementAdmin, cmdID(), commands.AgreementRecord{Agreement: "fr-art41", OccurredAt: now,
		Kind: agreement.KindDeclaration, Terms: agreement.Terms{Title: "Declaration of France", Instrument: "FR declaration",
			Parties: []domain.StateCode{dt.State("FR")}, Language: "fr", InForce: agreement.Validity{From: since1995}}}))
	decl := pursuitRecord()
	decl.Agreement, decl.Provision = "fr-art41", "pursuit"
	decl.Terms.Refines = agreement.ProvisionRef{Agreement: "cisa", Provision: "art41"}
	decl.Terms.Limits = agreement.Limits{DistanceKm: 10}
	must(e.h.RecordProvision(ctx, agreementAdmin, cmdID(), decl))

	reader := partnerObserver // any principal reads agreements
	q := agreement.Query{Host: dt.State("FR"), Sending: dt.State("DE"), Action: agreement.ActionHotPursuit, At: now}
	keys := []agreement.Key{"cisa", "fr-art41", "cisa"}
	res, err := e.h.ProvisionInForce(ctx, reader, keys, q)
	if err != nil || !res.Found || res.Provision.Ref.Agreement != "fr-art41" || res.Provision.Terms.Limits.DistanceKm != 10 {
		t.Fatalf("in force: %+v %v", res, err)
	}
	must(e.h.SuspendProvision(ctx, agreementAdmin, cmdID(), commands.ProvisionStatusChange{Agreement: "fr-art41",
		Provision: "pursuit", OccurredAt: now, EffectiveAt: now.Add(-time.Minute), Reason: "under review"}))
	res, err = e.h.ProvisionInForce(ctx, reader, keys, q)
	if err != nil || res.Provision.Ref.Agreement != "cisa" {
		t.Fatalf("with the declaration suspended: %+v %v", res, err)
	}
	before, err := e.h.ProvisionInForce(ctx, reader, keys, agreement.Query{Host: q.Host, Sending: q.Sending, Action: q.Action,
		At: now.Add(-2 * time.Minute)})
	if err != nil || before.Provision.Ref.Agreement != "fr-art41" {
		t.Fatalf("just before the suspension took effect: %+v %v", before, err)
	}

	v, err := e.h.AgreementOf(ctx, reader, "fr-art41")
	if err != nil || v.Kind != agreement.KindDeclaration || len(v.Provisions) != 1 || len(v.Provisions[0].Status) != 1 {
		t.Fatalf("view: %+v %v", v, err)
	}

	tests := []struct {
		name string
		keys []agreement.Key
		kind error
		code domain.Code
	}{
		{"an agreement not recorded", []agreement.Key{"cisa", "nl-art41"}, domain.ErrNotFound, commands.CodeAgreementNotFound},
		{"a malformed key", []agreement.Key{"CISA"}, domain.ErrInvalid, ""},
		{"no agreement", nil, domain.ErrInvalid, ""},
		{"too many agreements", make([]agreement.Key, commands.MaxAgreementsPerQuery+1), domain.ErrRejected, commands.CodeTooManyAgreements},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.h.ProvisionInForce(ctx, reader, tt.keys, q)
			if code, _ := domain.CodeOf(err); !errors.Is(err, tt.kind) || code != tt.code {
				t.Fatalf("err = %v, want %v %s", err, tt.kind, tt.code)
			}
		})
	}
	if _, err := e.h.ProvisionInForce(ctx, reader, keys, agreement.Query{}); !errors.Is(err, domain.ErrInvalid) ||
		!strings.Contains(err.Error(), "host") {
		t.Fatalf("an empty query: %v", err)
	}
}
