package boards

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Names of the checkpoint parts: one per board, plus the shared read
// models.
const (
	partBoardPrefix = "board/"    // + operation ID: the board's snapshot
	partAgencyOps   = "agencyops" // projections.AgencyOperations
	partRouter      = "router"    // projections.Router
	partDirectory   = "agencies"  // the agency directory
)

// Checkpoint is what Boards changed since the previous checkpoint, for
// the runner to save with the position in one transaction.
type Checkpoint = projector.Checkpoint

// Checkpoint returns the parts changed since the previous successful call
// — one per board that changed ("board/<operation>"), "agencyops",
// "router" and "agencies" when they changed — with the position they
// reflect. It waits for the Apply in progress and holds the next one
// while it encodes. On an error nothing is marked saved, so the next call
// returns those parts again.
func (b *Boards) Checkpoint() (Checkpoint, error) {
	b.applyMu.Lock()
	defer b.applyMu.Unlock()
	cp := Checkpoint{Position: b.Position(), Parts: map[string][]byte{}}
	for _, op := range slices.SortedFunc(maps.Keys(b.dirty.boards), domain.OperationID.Compare) {
		data, err := b.marshalBoard(op)
		if err != nil {
			return Checkpoint{}, fmt.Errorf("boards: checkpoint: %w", err)
		}
		cp.Parts[partBoardPrefix+op.String()] = data
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	shared := []struct {
		dirty bool
		name  string
		m     interface{ MarshalBinary() ([]byte, error) }
	}{
		{b.dirty.ops, partAgencyOps, b.ops},
		{b.dirty.router, partRouter, b.router},
		{b.dirty.directory, partDirectory, b.dir},
	}
	for _, s := range shared {
		if !s.dirty {
			continue
		}
		data, err := s.m.MarshalBinary()
		if err != nil {
			return Checkpoint{}, fmt.Errorf("boards: checkpoint %s: %w", s.name, err)
		}
		cp.Parts[s.name] = data
	}
	b.dirty = newDirtySet()
	return cp, nil
}

// marshalBoard returns the snapshot of op's board. Called with applyMu
// held.
func (b *Boards) marshalBoard(op domain.OperationID) ([]byte, error) {
	f := b.feed(op)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.board.MarshalBinary()
}

// Restore replaces the boards with a saved checkpoint: the position of
// the last event it folded and all its parts (a missing shared part is an
// empty read model). Each board's feed then resumes subscribers only
// after position: older deltas were not saved. An error wraps
// projections.ErrSnapshotVersion (a part of a format this build does not
// read, or a part it does not know: rebuild from zero) or
// projections.ErrSnapshotCorrupt, and leaves the boards unchanged.
func (b *Boards) Restore(position string, parts map[string][]byte) error {
	b.applyMu.Lock()
	defer b.applyMu.Unlock()
	r, err := b.restored(position, parts)
	if err != nil {
		return fmt.Errorf("boards: restore at %q: %w", position, err)
	}
	b.mu.Lock()
	old := b.feeds
	b.feeds, b.router, b.ops, b.opsPosition, b.dir = r.feeds, r.router, r.ops, position, r.dir
	b.dirty = newDirtySet()
	b.folded.Store(r.folded)
	b.mu.Unlock()
	for _, f := range old {
		f.shutDown(ErrReset)
	}
	return nil
}

// restoredState is a checkpoint decoded, ready to replace the boards'.
type restoredState struct {
	feeds  map[domain.OperationID]*feed
	router *projections.Router
	ops    *projections.AgencyOperations
	dir    *projections.Directory
	folded *folded
}

func (b *Boards) restored(position string, parts map[string][]byte) (restoredState, error) {
	r := restoredState{
		feeds: map[domain.OperationID]*feed{}, router: projections.NewRouter(),
		ops: projections.NewAgencyOperations(), dir: projections.NewDirectory(),
	}
	if position == "" {
		if len(parts) > 0 {
			return r, fmt.Errorf("%w: parts without a position", projections.ErrSnapshotCorrupt)
		}
		return r, nil
	}
	pos, err := eventstore.ParsePosition(position)
	if err != nil {
		return r, fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	r.folded = &folded{pos: pos, str: position}
	for name, data := range parts {
		if err := r.part(name, data, pos, b); err != nil {
			return r, fmt.Errorf("part %q: %w", name, err)
		}
	}
	return r, nil
}

// part decodes one checkpoint part into r.
func (r *restoredState) part(name string, data []byte, pos eventstore.Position, b *Boards) error {
	switch name {
	case partAgencyOps:
		return r.ops.UnmarshalBinary(data)
	case partRouter:
		return r.router.UnmarshalBinary(data)
	case partDirectory:
		return r.dir.UnmarshalBinary(data)
	}
	id, isBoard := strings.CutPrefix(name, partBoardPrefix)
	if !isBoard {
		return fmt.Errorf("%w: a part this build does not know", projections.ErrSnapshotVersion)
	}
	op, err := domain.ParseOperationID(id)
	if err != nil {
		return fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	brd, err := board.Restore(data)
	if err != nil {
		return err
	}
	if brd.Operation() != op {
		return fmt.Errorf("%w: holds the board of operation %s", projections.ErrSnapshotCorrupt, brd.Operation())
	}
	f := newFeed(brd, b.cfg.RingSize, b.log)
	f.ring.startAfter(pos)
	r.feeds[op] = f
	return nil
}

// Reset empties the boards, for a rebuild from the start of the log:
// every subscription ends with ErrReset, and the boards start again from
// nothing.
func (b *Boards) Reset() {
	b.applyMu.Lock()
	defer b.applyMu.Unlock()
	b.mu.RLock()
	old := b.feeds
	b.mu.RUnlock()
	b.empty()
	for _, f := range old {
		f.shutDown(ErrReset)
	}
}
