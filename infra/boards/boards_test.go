package boards_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  boards.Config
		ok   bool
	}{
		{"zero takes the defaults", boards.Config{}, true},
		{"explicit", boards.Config{RingSize: 16, Queue: 4, Board: board.Config{TrackLength: 5}}, true},
		{"negative ring", boards.Config{RingSize: -1}, false},
		{"negative queue", boards.Config{Queue: -1}, false},
		{"bad board config", boards.Config{Board: board.Config{TrackLength: -2}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok %t", err, tt.ok)
			}
			if _, newErr := boards.New(tt.cfg); (newErr == nil) != tt.ok {
				t.Errorf("New = %v, want ok %t", newErr, tt.ok)
			}
		})
	}
	err := (boards.Config{RingSize: -1, Queue: -1}).Validate()
	if err == nil || !strings.Contains(err.Error(), "ring size") || !strings.Contains(err.Error(), "queue") {
		t.Errorf("Validate of two problems = %v, want both", err)
	}
}

// TestApplyIsAtLeastOnceSafe checks that an event at or before the
// position folded is ignored, and that a position not of the log is an
// error that folds nothing.
func TestApplyIsAtLeastOnceSafe(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	s := subscribe(t, b, agA, "", 8)
	drain(s)
	l.add(observed(700, agA, mark(agA, marking.TLPGreen), "once"))
	last := l.envs[len(l.envs)-1]
	applyAll(t, b, []projections.Envelope{last, last, l.envs[3]})
	if got := drain(s); len(got) != 1 {
		t.Errorf("redelivered events sent %v, want one delta", positions(got))
	}
	if got := b.Position(); got != last.Position {
		t.Errorf("Position %s, want %s", got, last.Position)
	}

	bad := last
	bad.Position = "17"
	if err := b.Apply(context.Background(), bad); err == nil {
		t.Error("Apply of a malformed position succeeded")
	}
	if got := b.Position(); got != last.Position {
		t.Errorf("Position after a refused event %s, want %s", got, last.Position)
	}
}

// TestReadModels checks the reads besides the boards: the agency
// directory as viewers, each agency's operations, and the position they
// reflect.
func TestReadModels(t *testing.T) {
	b := newBoards(t, boards.Config{})
	if b.Name() != "boards" || b.Position() != "" {
		t.Fatalf("empty boards: name %q, position %q", b.Name(), b.Position())
	}
	l := running()
	applyAll(t, b, l.envs)
	if got, want := b.Viewer(agD), (marking.Viewer{Agency: agD, State: dt.State("NL")}); got != want {
		t.Errorf("Viewer = %v, want %v", got, want)
	}
	unknown := dt.Agency(42)
	if got := b.Viewer(unknown); got != (marking.Viewer{Agency: unknown}) {
		t.Errorf("Viewer of an unregistered agency = %v, want no state", got)
	}
	tests := []struct {
		name   string
		agency domain.AgencyID
		want   []projections.Role
	}{
		{"lead of one, participant of another", agA, []projections.Role{projections.RoleLead, projections.RoleParticipant}},
		{"participant", agB, []projections.Role{projections.RoleParticipant}},
		{"lead of the other only", outsider, []projections.Role{projections.RoleLead}},
		{"unknown", unknown, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, at := b.Operations(tt.agency)
			var roles []projections.Role
			for _, o := range ops {
				roles = append(roles, o.Role)
			}
			if mustJSON(t, roles) != mustJSON(t, tt.want) || at != l.last() {
				t.Errorf("Operations = %s at %s, want roles %v at %s", mustJSON(t, ops), at, tt.want, l.last())
			}
		})
	}
}

// TestReleaseToAStateUsesTheDirectory checks that a RED report
// releasable to a state reaches the agencies of that state, as the
// directory knows them, and no other.
func TestReleaseToAStateUsesTheDirectory(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	subs := map[domain.AgencyID]*boards.Subscription{}
	for _, a := range participants {
		s, err := b.Subscribe(t.Context(), opID, b.Viewer(a), "", 8)
		if err != nil {
			t.Fatalf("Subscribe %s: %v", a, err)
		}
		t.Cleanup(s.Close)
		drain(s)
		subs[a] = s
	}
	toNL := dt.Must(marking.New(marking.Spec{Originator: agB, TLP: marking.TLPRed,
		ReleasableTo: dt.Must(marking.NewRecipients(nil, []domain.StateCode{dt.State("NL")})), Evaluation: b2}))
	l.add(&fieldlog.ObservationReported{Header: header(opID, 800, agB, toNL), Observation: fieldlog.Observation{Text: "for NL"}})
	applyAll(t, b, l.envs[len(l.envs)-1:])
	for _, a := range participants {
		got := leaks(drain(subs[a]), "for NL")
		if want := a == agB || a == agD; got != want {
			t.Errorf("agency %s (%s) received the report: %t, want %t", a, states[a], got, want)
		}
	}
}

// TestResetEmptiesTheBoards checks that after Reset nothing is left and
// the boards fold again from the start.
func TestResetEmptiesTheBoards(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	b.Reset()
	if p := b.Position(); p != "" {
		t.Errorf("Position after Reset %q", p)
	}
	if _, err := b.Subscribe(t.Context(), opID, viewer(agA), "", 8); !errors.Is(err, boards.ErrNotFound) {
		t.Errorf("Subscribe after Reset: %v, want ErrNotFound", err)
	}
	if ops, _ := b.Operations(agA); len(ops) != 0 {
		t.Errorf("Operations after Reset: %s", mustJSON(t, ops))
	}
	applyAll(t, b, l.envs)
	if v, _, ok := b.View(opID, viewer(agA)); !ok || mustJSON(t, v) != folded(t, l.envs, opID, agA) {
		t.Errorf("board rebuilt after Reset: %s (%t)", mustJSON(t, v), ok)
	}
}
