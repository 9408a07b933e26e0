package eventlog

import (
	"hash/maphash"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
)

func randomIDs(n int) []commands.CommandID {
	ids := make([]commands.CommandID, n)
	for i := range ids {
		ids[i] = commands.CommandID(uuid.New())
	}
	return ids
}

func TestIDFilterNeverForgetsAnID(t *testing.T) {
	// Start tiny so the filter grows through several parts.
	f := &idFilter{seed: maphash.MakeSeed(), parts: []*bloom{newBloom(1000)}}
	ids := randomIDs(50_000)
	for _, id := range ids {
		f.add(id)
	}
	if len(f.parts) < 5 {
		t.Fatalf("filter has %d parts after 50,000 IDs from a capacity of 1,000; want it to grow", len(f.parts))
	}
	for i, id := range ids {
		if !f.mayHave(id) {
			t.Fatalf("ID %d (%s) was added but the filter says it never was", i, id)
		}
	}
}

func TestIDFilterFalsePositiveRate(t *testing.T) {
	f := newIDFilter(0)
	for _, id := range randomIDs(100_000) {
		f.add(id)
	}
	var fp int
	others := randomIDs(100_000)
	for _, id := range others {
		if f.mayHave(id) {
			fp++
		}
	}
	// ~0.8 % per part by design; 3 % leaves room for chance, while a filter
	// that says "maybe" to everything (or most things) fails.
	if rate := float64(fp) / float64(len(others)); rate > 0.03 {
		t.Fatalf("false-positive rate %.2f %%, want < 3 %%", 100*rate)
	}
}

func TestOutcomesFilterIsLoadedOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outcomes.db")
	o, err := OpenOutcomes(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ids := randomIDs(3)
	for i, id := range ids {
		out := commands.Outcome{Fingerprint: [32]byte{byte(i + 1)}, Refusal: &commands.Refusal{Kind: "rejected", Code: "test.refused", Message: "no"}}
		if err := o.Put(t.Context(), id, out); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o, err = OpenOutcomes(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for i, id := range ids {
		got, ok, err := o.Get(t.Context(), id)
		if err != nil || !ok || got.Fingerprint[0] != byte(i+1) {
			t.Fatalf("Get(%s) after reopening = %+v, %v, %v; want the record", id, got, ok, err)
		}
	}
	if _, ok, err := o.Get(t.Context(), randomIDs(1)[0]); ok || err != nil {
		t.Fatalf("Get of an unknown ID = %v, %v; want not found", ok, err)
	}
}
