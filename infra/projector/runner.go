package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"unicode"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// Runner keeps projections current from the event log: per projection a
// restore from its checkpoint, a direct catch-up from the store while it
// is far behind, then a bus subscription (consumer group = the
// projection's name) through a message.Router with retries and a poison
// queue, with the checkpoint saved as the group's offset. Build it with
// New, start it with Run, stop it with Close.
type Runner struct {
	cfg         Config
	log         *slog.Logger
	id          string // this runner instance, for member names
	checkpoints *CheckpointStore
	publisher   *bus.Publisher
	slots       []*slot
	byName      map[string]*slot

	mu        sync.Mutex
	started   bool
	closed    bool
	cancel    context.CancelFunc
	runDone   chan struct{}
	running   bool
	startHead mark // the log head when Run began
	head      mark // the log head as last polled
}

// New returns a runner of the given projections, opening (and creating if
// needed) the checkpoint file. Projection names must be unique and made
// of letters, digits, '.', '_' and '-'.
func New(ctx context.Context, cfg Config, ps ...Projection) (*Runner, error) {
	cfg.setDefaults()
	errs := []error{cfg.Validate()}
	if len(ps) == 0 {
		errs = append(errs, errors.New("no projection"))
	}
	seen := map[string]bool{}
	for i, p := range ps {
		if p == nil {
			errs = append(errs, fmt.Errorf("projection %d: nil", i))
			continue
		}
		name := p.Name()
		if err := checkName(name); err != nil {
			errs = append(errs, fmt.Errorf("projection %d: %w", i, err))
		}
		if seen[name] {
			errs = append(errs, fmt.Errorf("projection %d: name %q used twice", i, name))
		}
		seen[name] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("projector: new runner: %w", err)
	}
	checkpoints, err := OpenCheckpointStore(ctx, cfg.CheckpointPath, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("projector: new runner: %w", err)
	}
	publisher, err := bus.NewPublisher(cfg.Store, bus.PublisherConfig{Logger: cfg.Logger})
	if err != nil {
		_ = checkpoints.Close()
		return nil, fmt.Errorf("projector: new runner: %w", err)
	}
	r := &Runner{
		cfg:         cfg,
		log:         cfg.Logger.With(slog.String("component", "projector")),
		id:          uuid.NewString(),
		checkpoints: checkpoints,
		publisher:   publisher,
		byName:      map[string]*slot{},
		runDone:     make(chan struct{}),
	}
	for _, p := range ps {
		checkpoints.attach(p)
		s := newSlot(r, p)
		r.slots = append(r.slots, s)
		r.byName[p.Name()] = s
	}
	return r, nil
}

// checkName accepts the names a consumer group and a log line can carry
// without quoting.
func checkName(name string) error {
	if name == "" || len(name) > 100 {
		return fmt.Errorf("name %q: want 1 to 100 characters", name)
	}
	for _, r := range name {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-", r)) {
			return fmt.Errorf("name %q: want letters, digits, '.', '_' and '-' only", name)
		}
	}
	return nil
}

// Run keeps the projections current until ctx is done, Close is called,
// or a projection fails for good (it was fenced out by another runner on
// the same checkpoint file, its checkpoint cannot be written, the store
// closed); then it stops every projection, saving their checkpoints, and
// returns. It returns nil when stopped by ctx or Close without a failure.
// Run may be called once.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return ErrClosed
	case r.started:
		r.mu.Unlock()
		return ErrAlreadyRunning
	}
	r.started = true
	ctx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	r.mu.Unlock()
	defer close(r.runDone)
	defer cancel()

	head, ok, err := r.cfg.Store.Head(ctx)
	if err != nil {
		for _, s := range r.slots {
			s.finish(err)
		}
		return fmt.Errorf("projector: head of log: %w", err)
	}
	r.mu.Lock()
	r.startHead = mark{pos: head, ok: ok}
	r.head = r.startHead
	r.running = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()
	r.log.Info("projector starting", slog.Int("projections", len(r.slots)), slog.String("head", r.startHead.String()))

	var watch sync.WaitGroup
	watch.Go(func() { r.watchHead(ctx) })
	errs := make(chan error, len(r.slots))
	for _, s := range r.slots {
		go func() { errs <- s.run(ctx) }()
	}
	var failures []error
	for range r.slots {
		if err := <-errs; err != nil {
			failures = append(failures, err)
			cancel()
		}
	}
	cancel()
	watch.Wait()
	if err := errors.Join(failures...); err != nil {
		r.log.Error("projector stopped", slog.Any("error", err))
		return err
	}
	r.log.Info("projector stopped")
	return nil
}

// LoadPart returns one saved checkpoint part of the projection name (see
// CheckpointStore.LoadPart).
func (r *Runner) LoadPart(ctx context.Context, name, part string) ([]byte, bool, error) {
	return r.checkpoints.LoadPart(ctx, name, part)
}

// Close stops Run (if running) and waits for it, then closes the
// checkpoint file. Later calls return nil.
func (r *Runner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	cancel, started := r.cancel, r.started
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if started {
		<-r.runDone
	}
	return errors.Join(r.publisher.Close(), r.checkpoints.Close())
}

// Head returns the head of the log as last polled; ok is false when the
// log is empty or Run has not polled it yet.
func (r *Runner) Head() (p eventstore.Position, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.head.pos, r.head.ok
}

// isRunning reports whether Run is between its start and its end.
func (r *Runner) isRunning() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

// reachedStart reports whether a projection that handled every event up
// to p has reached the head seen when Run began.
func (r *Runner) reachedStart(p mark) bool {
	r.mu.Lock()
	start := r.startHead
	r.mu.Unlock()
	return !start.ok || (p.ok && !p.pos.Less(start.pos))
}

// Ready returns nil once every projection has reached the head of the log
// seen when Run began (and from then on), otherwise an error that Is
// ErrCatchingUp saying how far each is behind ("catching up: boards 12345
// events behind"), or ErrNotRunning.
func (r *Runner) Ready() error {
	if !r.isRunning() {
		return ErrNotRunning
	}
	var behind []string
	for _, s := range r.slots {
		st := s.status()
		if st.CaughtUp {
			continue
		}
		if st.LagMeasured {
			behind = append(behind, fmt.Sprintf("%s %s events behind", st.Name, st.LagText()))
		} else {
			behind = append(behind, st.Name+" (lag not measured yet)")
		}
	}
	if len(behind) > 0 {
		return fmt.Errorf("%w: %s", ErrCatchingUp, strings.Join(behind, ", "))
	}
	return nil
}

// Status returns the state of every projection, in the order given to
// New. It does no I/O: lags are measured every HeadInterval.
func (r *Runner) Status() []ProjectionStatus {
	out := make([]ProjectionStatus, len(r.slots))
	for i, s := range r.slots {
		out[i] = s.status()
	}
	return out
}

// Rebuild rebuilds the projection name from zero while the runner runs:
// it stops the projection's subscription, resets the projection, deletes
// its checkpoint, catches up from the start of the log and subscribes
// again. It returns once the projection is live again (or ctx is done: the
// rebuild goes on). The projection serves its partial state meanwhile;
// readiness is not withdrawn.
func (r *Runner) Rebuild(ctx context.Context, name string) error {
	s, ok := r.byName[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownProjection, name)
	}
	if !r.isRunning() {
		return fmt.Errorf("projector: rebuild %s: %w", name, ErrNotRunning)
	}
	req := rebuildRequest{done: make(chan error, 1)}
	select {
	case s.rebuilds <- req:
	case <-s.stopped:
		return fmt.Errorf("projector: rebuild %s: %w", name, ErrNotRunning)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
