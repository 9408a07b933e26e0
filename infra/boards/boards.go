package boards

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Name is the projection's stable name: it names its consumer group and
// its checkpoint. Renaming it is a migration.
const Name = "boards"

// Boards is the projection of every operation's situation board, with each
// agency's list of operations and the live feed of each board. One
// goroutine calls Apply, in log order; everything else is safe for
// concurrent use, and readers never wait for more than one board's
// Apply.
type Boards struct {
	cfg Config
	log *slog.Logger

	// applyMu admits one Apply, Checkpoint, Restore or Reset at a time.
	applyMu sync.Mutex
	dirty   dirtySet // guarded by applyMu

	// mu guards the maps and read models below; a feed has its own lock.
	mu          sync.RWMutex
	feeds       map[domain.OperationID]*feed
	router      *projections.Router
	ops         *projections.AgencyOperations
	opsPosition string
	dir         *projections.Directory

	folded atomic.Pointer[folded] // the last event folded, nil before any
}

// folded is a position both parsed and as the log wrote it.
type folded struct {
	pos eventstore.Position
	str string
}

// New returns empty Boards.
func New(cfg Config) (*Boards, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("boards: new: %w", err)
	}
	b := &Boards{cfg: cfg, log: cfg.Logger.With("component", "boards")}
	b.empty()
	return b, nil
}

// empty sets b to the state before any event. Called with applyMu held
// (or before b is shared).
func (b *Boards) empty() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.feeds = map[domain.OperationID]*feed{}
	b.router = projections.NewRouter()
	b.ops = projections.NewAgencyOperations()
	b.opsPosition = ""
	b.dir = projections.NewDirectory()
	b.dirty = newDirtySet()
	b.folded.Store(nil)
}

// Name returns Name.
func (b *Boards) Name() string { return Name }

// Apply folds one event: into the agency directory, the agencies' lists
// of operations, and its operation's board, created on the operation's
// first event, whose delta it keeps in the board's ring and sends to the
// board's subscribers. An event at or before the position already folded
// is ignored (delivery is at least once). The only error is a position
// that is not the log's.
func (b *Boards) Apply(_ context.Context, env projections.Envelope) error {
	return b.fold(env, (*feed).apply)
}

// Fold folds one event as Apply does, but into a board no one subscribes
// to without building its delta, which is most of the cost of a fold: the
// projection runner's catch-up and rebuilds call it. Such a board's ring
// is emptied and restarts after the event, so a subscriber resuming from
// an earlier position gets a snapshot rather than deltas with a hole. A
// board with subscribers is applied as by Apply: they miss no delta.
func (b *Boards) Fold(_ context.Context, env projections.Envelope) error {
	return b.fold(env, (*feed).fold)
}

var _ projector.Folder = (*Boards)(nil)

// fold folds env into the shared read models and, with into, into its
// operation's feed.
func (b *Boards) fold(env projections.Envelope, into func(*feed, eventstore.Position, projections.Envelope)) error {
	pos, err := eventstore.ParsePosition(env.Position)
	if err != nil {
		return fmt.Errorf("boards: apply %s@%d: %w", env.Stream, env.Revision, err)
	}
	b.applyMu.Lock()
	defer b.applyMu.Unlock()
	if at := b.folded.Load(); at != nil && !at.pos.Less(pos) {
		return nil
	}
	f, err := b.route(env)
	if err != nil {
		return err
	}
	if f != nil {
		into(f, pos, env)
	}
	b.folded.Store(&folded{pos: pos, str: env.Position})
	return nil
}

// route folds env into the shared read models and returns the feed of
// its operation, if it has one. Called with applyMu held.
func (b *Boards) route(env projections.Envelope) (*feed, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	op, routed := b.router.Route(env)
	if _, issued := env.Event.Payload.(*task.Issued); issued {
		b.dirty.router = true
	}
	// AgencyOperations folds operation streams only.
	b.ops.Apply(env)
	b.opsPosition = env.Position
	if strings.HasPrefix(env.Stream, operation.StreamPrefix) {
		b.dirty.ops = true
	}
	if b.dir.Apply(env.Event.Payload) {
		b.dirty.directory = true
	}
	if !routed {
		return nil, nil
	}
	f := b.feeds[op]
	if f == nil {
		brd, err := board.New(op, b.cfg.Board)
		if err != nil {
			return nil, fmt.Errorf("boards: apply %s@%d: %w", env.Stream, env.Revision, err)
		}
		f = newFeed(brd, b.cfg.RingSize, b.log)
		b.feeds[op] = f
	}
	b.dirty.boards[op] = true
	return f, nil
}

// feed returns the feed of op, nil if it has none.
func (b *Boards) feed(op domain.OperationID) *feed {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.feeds[op]
}

// foldedPosition returns how far the log was folded (the zero position
// before any event).
func (b *Boards) foldedPosition() eventstore.Position {
	if at := b.folded.Load(); at != nil {
		return at.pos
	}
	return eventstore.Position{}
}

// Subscribe follows operation op's board as viewer sees it. The first
// frames are what the subscriber lacks: with after == "" a snapshot
// (Frame.Kind KindSnapshot) at the board's position; with after a
// position the subscriber was sent (by this feed or a heartbeat), exactly
// the deltas after it that viewer may see — none if it missed nothing; a
// fresh snapshot when that cannot be done exactly (after malformed, ahead
// of what was folded, older than the ring reaches, or more deltas than
// the queue holds). Live deltas follow, with no gap and no duplicate.
// queue is the subscriber's queue length (frames); below 1, Config.Queue.
// The subscription ends when ctx does. An operation that does not exist
// and one viewer's agency does not take part in both give ErrNotFound.
func (b *Boards) Subscribe(ctx context.Context, op domain.OperationID, viewer marking.Viewer, after string, queue int) (*Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boards: subscribe: %w", err)
	}
	if queue < 1 {
		queue = b.cfg.Queue
	}
	f := b.feed(op)
	if f == nil {
		return nil, ErrNotFound
	}
	return f.subscribe(ctx, viewer, after, queue, b.foldedPosition)
}

// View returns op's board as viewer may see it now, with the position it
// reflects (the last event of the operation folded); ok is false when the
// operation does not exist or viewer's agency does not take part in it.
func (b *Boards) View(op domain.OperationID, viewer marking.Viewer) (v board.View, position string, ok bool) {
	f := b.feed(op)
	if f == nil {
		return board.View{}, "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone || !f.participant(viewer) {
		return board.View{}, "", false
	}
	return f.board.View(viewer), f.board.Position(), true
}

// Operations returns the operations agency leads or takes part in, in the
// order they were proposed, with the position the list reflects.
func (b *Boards) Operations(agency domain.AgencyID) ([]projections.OperationSummary, string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.ops.For(agency), b.opsPosition
}

// Viewer returns the viewer of agency, with the state it was registered
// in; an agency not (yet) registered has no state, so releases to states
// do not reach it.
func (b *Boards) Viewer(agency domain.AgencyID) marking.Viewer {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.dir.Viewer(agency)
}

// Position returns the position of the last event folded, "" before any:
// a board's heartbeat reports it.
func (b *Boards) Position() string {
	if at := b.folded.Load(); at != nil {
		return at.str
	}
	return ""
}
