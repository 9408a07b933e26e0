package eventlog_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/eventlog"
)

func TestOutcomesAreDurableAndFirstWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "commands.db")
	ctx := t.Context()
	o, err := eventlog.OpenOutcomes(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Many writers at once: their records share transactions.
	const n = 200
	ids := make([]commands.CommandID, n)
	var wg sync.WaitGroup
	for i := range n {
		ids[i] = cmdID()
		wg.Go(func() {
			acc := commands.Accepted{Stream: "s", Position: "p", Revision: uint64(i), Events: 1}
			if err := o.Put(ctx, ids[i], commands.Outcome{Fingerprint: [32]byte{byte(i)}, Accepted: &acc}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	refused := commands.Refusal{Kind: "rejected", Code: "x.rule", Message: "no"}
	if err := o.Put(ctx, ids[0], commands.Outcome{Refusal: &refused}); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if err := o.Put(ctx, cmdID(), commands.Outcome{Refusal: &refused}); err == nil {
		t.Fatal("Put after Close succeeded")
	}

	o, err = eventlog.OpenOutcomes(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for i, id := range ids {
		got, ok, err := o.Get(ctx, id)
		if err != nil || !ok || got.Accepted == nil || got.Accepted.Revision != uint64(i) || got.Fingerprint != [32]byte{byte(i)} {
			t.Fatalf("outcome %d after reopening = %+v, %v, %v", i, got, ok, err)
		}
	}
	if _, ok, err := o.Get(ctx, cmdID()); ok || err != nil {
		t.Fatalf("unknown command: ok %v, err %v", ok, err)
	}
}
