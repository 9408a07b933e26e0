package domain_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

type counterState struct {
	Sum int `json:"sum"`
}

func TestDecodeSnapshotRefusals(t *testing.T) {
	good, err := domain.EncodeSnapshot("counter", 1, counterState{Sum: 3})
	if err != nil {
		t.Fatal(err)
	}
	var s counterState
	if err := domain.DecodeSnapshot(good, "counter", 1, &s); err != nil || s.Sum != 3 {
		t.Fatalf("decode = %+v, %v", s, err)
	}
	otherFormat, _ := domain.EncodeSnapshot("counter", 2, counterState{Sum: 3})
	otherKind, _ := domain.EncodeSnapshot("tally", 1, counterState{Sum: 3})
	extraField, _ := json.Marshal(map[string]any{"kind": "counter", "format": 1, "state": map[string]any{"sum": 3, "mystery": 1}})
	tests := []struct {
		name string
		b    []byte
	}{
		{"another format", otherFormat},
		{"another kind", otherKind},
		{"a field this build does not know", extraField},
		{"not JSON", []byte("\x00\x01garbage")},
		{"truncated", good[:len(good)/2]},
		{"trailing data", append(append([]byte{}, good...), "{}"...)},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s counterState
			if err := domain.DecodeSnapshot(tt.b, "counter", 1, &s); !errors.Is(err, domain.ErrSnapshotUnusable) {
				t.Fatalf("err = %v, want ErrSnapshotUnusable", err)
			}
		})
	}
}

func TestRootSnapshotsOnlyRecordedEventsAndRestoresOnlyWhenFresh(t *testing.T) {
	m := dt.Meta(t, domain.Actor{Agency: dt.Agency(1)}, dt.T0())
	withChange := func() *domain.Root { r := domain.NewRoot("counter-1"); r.Record(m.Event(stubPayload{})); return &r }
	if err := withChange().CheckSnapshot(); err == nil {
		t.Error("CheckSnapshot with a change pending: no error")
	}
	clean := domain.NewRoot("counter-1")
	clean.Replayed()
	if err := clean.CheckSnapshot(); err != nil {
		t.Errorf("CheckSnapshot of replayed events: %v", err)
	}
	tests := []struct {
		name    string
		root    func() *domain.Root
		version uint64
		ok      bool
	}{
		{"fresh", func() *domain.Root { r := domain.NewRoot("counter-1"); return &r }, 7, true},
		{"after no events", func() *domain.Root { r := domain.NewRoot("counter-1"); return &r }, 0, false},
		{"already replayed", func() *domain.Root { r := domain.NewRoot("counter-1"); r.Replayed(); return &r }, 7, false},
		{"a change pending", withChange, 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.root()
			err := r.Restored(tt.version)
			switch {
			case tt.ok && (err != nil || r.Version() != tt.version):
				t.Fatalf("Restored(%d) = %v, version %d", tt.version, err, r.Version())
			case !tt.ok && !errors.Is(err, domain.ErrSnapshotUnusable):
				t.Fatalf("Restored(%d) = %v, want ErrSnapshotUnusable", tt.version, err)
			}
		})
	}
}
