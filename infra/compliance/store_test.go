package compliance_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// TestFlagsLandInTheLogOnce runs the policy against the real command path
// (SQLite event log and outcomes): the flags become events of the
// operation's compliance stream, and a rebuild from zero — with its
// outcome memory gone — appends none again.
func TestFlagsLandInTheLogOnce(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	store := dt.Must(sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db")}))
	t.Cleanup(func() { store.Close() })
	codec := dt.Must(eventlog.NewCodec())
	handlers := func(outcomes string) *commands.Handlers {
		o := dt.Must(eventlog.OpenOutcomes(ctx, filepath.Join(dir, outcomes)))
		h := dt.Must(commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: o,
			Clock: func() time.Time { return dt.At(24 * time.Hour) }}))
		t.Cleanup(func() {
			h.Close(ctx)
			o.Close()
		})
		return h
	}
	envs := scenario(t)
	applyAll(t, newPolicy(t, handlers("first.db"), nil), envs)
	applyAll(t, newPolicy(t, handlers("second.db"), nil), envs)

	var got []string
	page := dt.Must(store.ReadAll(ctx, eventstore.Forwards, eventstore.Start, 1000))
	for _, r := range page {
		if r.Stream != flags.Stream(opID) {
			continue
		}
		e, known, err := codec.Decode(r)
		if err != nil || !known {
			t.Fatalf("decode %s: known %v, %v", r.Type, known, err)
		}
		raised, ok := e.Payload.(*flags.FlagRaised)
		if !ok {
			t.Fatalf("unexpected %s in the compliance stream", r.Type)
		}
		if e.Actor.Agency != deA || e.Actor.Person.IsZero() {
			t.Errorf("flag recorded by %+v, want the system principal of agency 1", e.Actor)
		}
		got = append(got, string(raised.Rule))
	}
	if !slices.Equal(got, wantRules) {
		t.Fatalf("compliance stream holds %v, want %v once each", got, wantRules)
	}
}
