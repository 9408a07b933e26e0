package projector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// ResetCheckpoint deletes the checkpoint of the projection name (of every
// projection when name is "") in the checkpoint file at path, so that the
// next runner to start rebuilds it from the start of the log: the offline
// form of Runner.Rebuild, for `jointops projections rebuild`. A missing
// file has nothing to reset. Run it while no runner uses the file: a
// running one is fenced out at its next save of that projection and stops.
func ResetCheckpoint(ctx context.Context, path, name string) (err error) {
	if name != "" {
		if err := checkName(name); err != nil {
			return fmt.Errorf("projector: reset checkpoint: %w", err)
		}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	store, err := OpenCheckpointStore(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		return fmt.Errorf("projector: reset checkpoint: %w", err)
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	return store.deleteAll(ctx, name)
}
