package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func TestIDs(t *testing.T) {
	if _, err := domain.NewOperationID(uuid.Nil); err == nil {
		t.Error("the nil UUID was accepted")
	}
	if _, err := domain.ParseAgencyID("00000000-0000-0000-0000-000000000000"); err == nil {
		t.Error("the nil UUID string was accepted")
	}
	if _, err := domain.ParseUnitID("not-a-uuid"); err == nil || !strings.Contains(err.Error(), "unit id") {
		t.Errorf("bad UUID: %v", err)
	}
	id := dt.Operation(42)
	b, err := json.Marshal(struct {
		ID  domain.OperationID `json:"id"`
		Opt domain.UnitID      `json:"opt,omitzero"`
	}{ID: id})
	if err != nil || string(b) != `{"id":"00000000-0000-4000-8000-00000000002a"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var back struct {
		ID domain.OperationID `json:"id"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.ID != id {
		t.Errorf("unmarshal = %v, %v", back.ID, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"00000000-0000-0000-0000-000000000000"}`), &back); err == nil {
		t.Error("unmarshal accepted the nil UUID")
	}
	if dt.Agency(1).Compare(dt.Agency(2)) != -1 || dt.Agency(2).Compare(dt.Agency(1)) != 1 || dt.Agency(1).Compare(dt.Agency(1)) != 0 {
		t.Error("Compare does not order IDs")
	}
}

func TestStateCode(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{{"DE", true}, {"FR", true}, {"de", false}, {"DEU", false}, {"D", false}, {"", false}, {"D1", false}}
	for _, tt := range tests {
		c, err := domain.ParseStateCode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && c.String() != tt.in) {
			t.Errorf("ParseStateCode(%q) = %v, %v", tt.in, c, err)
		}
	}
	var c domain.StateCode
	if err := json.Unmarshal([]byte(`"xx"`), &c); err == nil {
		t.Error("unmarshal accepted a lower-case code")
	}
}

func TestPeriod(t *testing.T) {
	p := dt.Must(domain.NewPeriod(dt.At(time.Hour), dt.At(3*time.Hour)))
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{name: "contains its start", got: p.Contains(dt.At(time.Hour)), want: true},
		{name: "does not contain its end", got: p.Contains(dt.At(3 * time.Hour))},
		{name: "covers itself", got: p.Covers(p), want: true},
		{name: "covers a part", got: p.Covers(dt.Must(domain.NewPeriod(dt.At(2*time.Hour), dt.At(3*time.Hour)))), want: true},
		{name: "does not cover a longer one", got: p.Covers(dt.Must(domain.NewPeriod(dt.At(0), dt.At(2*time.Hour))))},
		{name: "touching periods do not overlap", got: p.Overlaps(dt.Must(domain.NewPeriod(dt.At(3*time.Hour), dt.At(4*time.Hour))))},
		{name: "crossing periods overlap", got: p.Overlaps(dt.Must(domain.NewPeriod(dt.At(0), dt.At(90*time.Minute)))), want: true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
	bad := []struct {
		name       string
		start, end time.Time
	}{
		{name: "end before start", start: dt.At(time.Hour), end: dt.At(0)},
		{name: "empty", start: dt.At(time.Hour), end: dt.At(time.Hour)},
		{name: "no start", end: dt.At(0)},
	}
	for _, tt := range bad {
		if _, err := domain.NewPeriod(tt.start, tt.end); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	b, _ := json.Marshal(p)
	var back domain.Period
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("round trip of %s = %v, %v", b, back, err)
	}
	if err := json.Unmarshal([]byte(`{"start":"2025-03-01T10:00:00Z","end":"2025-03-01T09:00:00Z"}`), &back); err == nil {
		t.Error("unmarshal accepted an inverted period")
	}
}

func TestLegalRefAndPersonRef(t *testing.T) {
	r := dt.Must(domain.NewLegalRef("CISA", "Art. 41(2)(a)"))
	if r.String() != "CISA Art. 41(2)(a)" {
		t.Errorf("String() = %q", r)
	}
	if _, err := domain.NewLegalRef(" ", ""); err == nil {
		t.Error("a blank instrument was accepted")
	}
	b, _ := json.Marshal(r)
	var back domain.LegalRef
	if err := json.Unmarshal(b, &back); err != nil || back != r {
		t.Errorf("round trip of %s = %v, %v", b, back, err)
	}

	if _, err := domain.NewPersonRef(domain.PersonID{}, dt.Agency(1)); err == nil {
		t.Error("a person reference without person was accepted")
	}
	pr := dt.PersonRef(1, 2)
	b, _ = json.Marshal(pr)
	var backRef domain.PersonRef
	if err := json.Unmarshal(b, &backRef); err != nil || backRef != pr {
		t.Errorf("round trip of %s = %v, %v", b, backRef, err)
	}
	if err := json.Unmarshal([]byte(`{"person":"00000000-0000-4000-8000-000000000001"}`), &backRef); err == nil {
		t.Error("unmarshal accepted a person reference without agency")
	}
}

func TestRootBookkeeping(t *testing.T) {
	r := domain.NewRoot("s-1")
	r.Replayed()
	r.Replayed()
	r.Record(domain.Event{Type: "a"})
	r.Record(domain.Event{Type: "b"})
	if r.Stream() != "s-1" || r.Version() != 2 || len(r.Changes()) != 2 {
		t.Fatalf("root = %q v%d with %d changes", r.Stream(), r.Version(), len(r.Changes()))
	}
	changes := r.Changes()
	changes[0].Type = "mutated"
	if r.Changes()[0].Type != "a" {
		t.Error("Changes exposes internal state")
	}
	r.Commit()
	if r.Version() != 4 || len(r.Changes()) != 0 {
		t.Errorf("after Commit: v%d with %d changes", r.Version(), len(r.Changes()))
	}
}
