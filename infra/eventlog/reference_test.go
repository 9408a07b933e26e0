package eventlog_test

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
)

func TestReferenceDataIsForAdministrators(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	admin1 := principal(lead, 40, commands.RoleAdmin)
	admin2 := principal(partner, 41, commands.RoleAdmin)
	territory := dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{{6, 47}, {9, 47}, {9, 50}, {6, 50}, {6, 47}}}}))
	reg := commands.StateRegistration{State: dt.State("DE"), OccurredAt: now, Name: "Germany", Territory: territory}

	if _, err := e.h.RegisterState(ctx, leadCommander, cmdID(), reg); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("commander registers a state: %v, want forbidden", err)
	}
	if _, err := e.h.RegisterState(ctx, admin1, cmdID(), reg); err != nil {
		t.Fatal(err)
	}
	ag := commands.AgencyRegistration{Agency: partner, OccurredAt: now, State: dt.State("DE"), Name: "Bundespolizei", Kind: agency.KindPolice}
	if _, err := e.h.RegisterAgency(ctx, admin2, cmdID(), ag); err != nil {
		t.Fatal(err)
	}
	cp := commands.ContactPointDesignation{Agency: partner, OccurredAt: now, ContactPoint: agency.ContactPoint{
		ID: dt.ContactPoint(1), Purpose: agency.PurposeDutyOffice, Name: "Lagezentrum", Channel: agency.ChannelPhone, Address: "+49 30 0000"}}
	if _, err := e.h.DesignateContactPoint(ctx, admin1, cmdID(), cp); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("admin of another agency designates a contact point: %v, want forbidden", err)
	}
	if _, err := e.h.DesignateContactPoint(ctx, admin2, cmdID(), cp); err != nil {
		t.Fatal(err)
	}
	wd := commands.ContactPointWithdrawal{Agency: partner, OccurredAt: now, ContactPoint: dt.ContactPoint(1)}
	if _, err := e.h.WithdrawContactPoint(ctx, admin1, cmdID(), wd); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("admin of another agency withdraws a contact point: %v, want forbidden", err)
	}
	if _, err := e.h.WithdrawContactPoint(ctx, admin2, cmdID(), wd); err != nil {
		t.Fatal(err)
	}
	smaller := dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{{6, 47}, {8, 47}, {8, 50}, {6, 50}, {6, 47}}}}))
	redraw := commands.TerritoryRedrawing{State: dt.State("DE"), OccurredAt: now, Territory: smaller}
	if _, err := e.h.RedrawTerritory(ctx, unit7, cmdID(), redraw); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("field unit redraws a territory: %v, want forbidden", err)
	}
	if _, err := e.h.RedrawTerritory(ctx, admin1, cmdID(), redraw); err != nil {
		t.Fatal(err)
	}
}
