package projections_test

import (
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
)

func TestDirectoryFoldsRegistrations(t *testing.T) {
	a, b := dt.Agency(1), dt.Agency(2)
	tests := []struct {
		name    string
		p       domain.Payload
		changed bool
	}{
		{"a registration", &agency.Registered{AgencyID: a, State: dt.State("DE")}, true},
		{"the same again", &agency.Registered{AgencyID: a, State: dt.State("DE")}, false},
		{"a registration without an agency", &agency.Registered{State: dt.State("FR")}, false},
		{"an event of another kind", &operation.Activated{OperationID: dt.Operation(1)}, false},
		{"another agency", &agency.Registered{AgencyID: b, State: dt.State("AT")}, true},
	}
	d := projections.NewDirectory()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.Apply(tt.p); got != tt.changed {
				t.Fatalf("changed %v, want %v", got, tt.changed)
			}
			if got := projections.IsDirectoryEvent(tt.p); got != (tt.changed || tt.name == "the same again") {
				t.Fatalf("IsDirectoryEvent %v", got)
			}
		})
	}
	if got, want := d.Viewer(a), (marking.Viewer{Agency: a, State: dt.State("DE")}); got != want {
		t.Errorf("viewer %+v, want %+v", got, want)
	}
	if got := d.Viewer(dt.Agency(9)); !got.State.IsZero() {
		t.Errorf("an unregistered agency has state %q", got.State)
	}
	clone := d.Clone()
	d.Apply(&agency.Registered{AgencyID: dt.Agency(3), State: dt.State("NL")})
	if clone.Len() != 2 || d.Len() != 3 {
		t.Errorf("the clone shares the original's map: %d and %d agencies", clone.Len(), d.Len())
	}
}

func TestDirectorySnapshot(t *testing.T) {
	d := projections.NewDirectory()
	d.Apply(&agency.Registered{AgencyID: dt.Agency(1), State: dt.State("DE")})
	data, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// The format of the directory infra/boards kept before: its saved
	// checkpoints restore unchanged.
	old := []byte(`{"v":1,"states":{"` + dt.Agency(1).String() + `":"DE"}}`)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"its own snapshot", data, nil},
		{"a checkpoint of the boards' former directory", old, nil},
		{"damaged", []byte("{"), projections.ErrSnapshotCorrupt},
		{"a newer format", []byte(`{"v":2}`), projections.ErrSnapshotVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := projections.NewDirectory()
			err := r.UnmarshalBinary(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.want == nil && r.Viewer(dt.Agency(1)).State != dt.State("DE") {
				t.Fatalf("restored %+v", r.Viewer(dt.Agency(1)))
			}
			if tt.want != nil && r.Len() != 0 {
				t.Fatal("a failed restore changed the directory")
			}
		})
	}
}
