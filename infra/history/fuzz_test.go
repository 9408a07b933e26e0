package history_test

import (
	"errors"
	"testing"

	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

// FuzzRestore: a damaged checkpoint part of any kind is refused with
// ErrSnapshotCorrupt or ErrSnapshotVersion, never a panic.
func FuzzRestore(f *testing.F) {
	fx := newFixture(f).running()
	fx.generate(12, 30)
	h := fx.newHistory(history.Config{SnapshotEvery: 10, ChunkSize: 8})
	apply(f, h, fx.envs)
	cp := dt.Must(h.Projection().Checkpoint())
	names := make([]string, 0, len(cp.Parts))
	for name, data := range cp.Parts {
		names = append(names, name)
		f.Add(uint8(len(names)-1), data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		parts := map[string][]byte{}
		for k, v := range cp.Parts {
			parts[k] = v
		}
		parts[names[int(which)%len(names)]] = data
		fresh, err := history.New(history.Config{Reader: fx.store, Decoder: fx.codec, SnapshotEvery: 10, ChunkSize: 8})
		if err != nil {
			t.Fatal(err)
		}
		err = fresh.Projection().Restore(cp.Position, parts)
		if err != nil && !errors.Is(err, projections.ErrSnapshotCorrupt) && !errors.Is(err, projections.ErrSnapshotVersion) {
			t.Fatalf("an error of neither kind: %v", err)
		}
	})
}
