package evidence

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

// Errors of Export.
var (
	// ErrNotParticipant: an export as seen by an agency that does not take
	// part in the operation at the export position (it may see nothing).
	ErrNotParticipant = errors.New("evidence: the agency does not take part in the operation")
	// ErrUnknownOperation: the log holds no event of the operation.
	ErrUnknownOperation = errors.New("evidence: no such operation in the log")
	// ErrInvalidRequest: the request is incomplete or the target exists.
	ErrInvalidRequest = errors.New("evidence: invalid export request")
)

// Decoder turns stored events into domain events; known is false for a
// type this build does not know. *eventlog.Codec implements it.
type Decoder interface {
	Decode(r eventstore.RecordedEvent) (e domain.Event, known bool, err error)
}

// Access is an export about to read an operation's history.
type Access struct {
	Operation  domain.OperationID
	Purpose    string
	Parameters map[string]string
	OccurredAt time.Time
}

// AccessRecorder records a history read before it happens (Seam 1: the
// command side's RecordHistoryAccess, with the caller's principal). An
// error stops the export: no unrecorded read.
type AccessRecorder interface {
	RecordExport(ctx context.Context, a Access) error
}

// Config configures an Exporter.
type Config struct {
	Reader  eventstore.Reader
	Decoder Decoder
	// Key signs the export checkpoint and the manifest (the checkpoint key).
	Key      ed25519.PrivateKey
	Recorder AccessRecorder
	// Now is the clock of the export; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.Reader == nil {
		errs = append(errs, errors.New("evidence: reader is required"))
	}
	if c.Decoder == nil {
		errs = append(errs, errors.New("evidence: decoder is required"))
	}
	if len(c.Key) != ed25519.PrivateKeySize {
		errs = append(errs, errors.New("evidence: an ed25519 signing key is required"))
	}
	if c.Recorder == nil {
		errs = append(errs, errors.New("evidence: an access recorder is required"))
	}
	return errors.Join(errs...)
}

// Exporter writes evidence bundles.
type Exporter struct{ cfg Config }

// New validates cfg and returns an Exporter.
func New(cfg Config) (*Exporter, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Exporter{cfg: cfg}, nil
}

// Request is one export.
type Request struct {
	Operation domain.OperationID
	// AsAgency, if set, exports only what that agency may see.
	AsAgency domain.AgencyID
	// Judicial leaves out H1-marked reports without a judicial-use permission.
	Judicial bool
	// Tracks adds tracks/<unit>.geojson of the exported position reports.
	Tracks bool
	// Purpose is why the history is read; recorded with the access.
	Purpose string
	// Dir is the bundle directory to create; it must not exist.
	Dir string
}

// Summary is what Export wrote.
type Summary struct {
	Dir      string
	Manifest Manifest
}

// Export records the access, then writes the bundle of the operation as of
// the log's head into a new directory (built beside it and renamed into
// place, so a failed export leaves nothing half-written).
func (x *Exporter) Export(ctx context.Context, req Request) (Summary, error) {
	if err := req.validate(); err != nil {
		return Summary{}, err
	}
	now := x.cfg.Now().UTC()
	if err := x.cfg.Recorder.RecordExport(ctx, Access{
		Operation: req.Operation, Purpose: req.Purpose, Parameters: req.parameters(), OccurredAt: now,
	}); err != nil {
		return Summary{}, fmt.Errorf("record the export: %w", err)
	}
	head, ok, err := x.cfg.Reader.Head(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("export: %w", err)
	}
	if !ok {
		return Summary{}, ErrUnknownOperation
	}
	col, err := x.collect(ctx, req, head)
	if err != nil {
		return Summary{}, err
	}
	if col.count == 0 {
		return Summary{}, ErrUnknownOperation
	}
	if !col.scope.participant() {
		return Summary{}, fmt.Errorf("%w: agency %s, operation %s at %s", ErrNotParticipant, req.AsAgency, req.Operation, head)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(req.Dir)), ".export-*")
	if err != nil {
		return Summary{}, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	m, err := x.write(tmp, req, col, head, now)
	if err != nil {
		return Summary{}, err
	}
	if err := os.Rename(tmp, req.Dir); err != nil {
		return Summary{}, fmt.Errorf("export: %w", err)
	}
	x.cfg.Logger.Info("evidence exported", "operation", req.Operation, "dir", req.Dir, "position", head,
		"as_seen_by", m.AsSeenBy, "judicial", m.Judicial, "events", m.Counts.Events, "withheld", m.Withheld.Count)
	return Summary{Dir: req.Dir, Manifest: m}, nil
}

func (r Request) validate() error {
	var errs []error
	if r.Operation.IsZero() {
		errs = append(errs, errors.New("operation is required"))
	}
	if strings.TrimSpace(r.Purpose) == "" {
		errs = append(errs, errors.New("purpose is required"))
	}
	if r.Dir == "" {
		errs = append(errs, errors.New("output directory is required"))
	} else if _, err := os.Lstat(r.Dir); err == nil {
		errs = append(errs, fmt.Errorf("output directory %s exists already", r.Dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return nil
}

// parameters are the request's arguments as recorded with the access.
func (r Request) parameters() map[string]string {
	p := map[string]string{"as_agency": ScopeFull, "judicial": fmt.Sprint(r.Judicial), "tracks": fmt.Sprint(r.Tracks)}
	if !r.AsAgency.IsZero() {
		p["as_agency"] = r.AsAgency.String()
	}
	return p
}

// opEvent is one stored event of the operation, with its decoded payload
// and time of occurrence when the scope or the tracks need them.
type opEvent struct {
	rec        eventstore.RecordedEvent
	payload    domain.Payload
	occurredAt time.Time
	// undecodable: the codec knows the type but the event does not decode.
	undecodable bool
}

// eventChunk is how many events one chunk of collected events holds: the
// events are kept in chunks so that a long operation is never copied to
// grow one slice.
const eventChunk = 4096

// collected is the operation as of the export position.
type collected struct {
	events [][]opEvent // chunks of eventChunk events, in log order
	count  int
	scope  *scope
	// server is the latest server checkpoint and its position.
	server    *integrity.Checkpoint
	serverPos eventstore.Position
}

// collectPage is the ReadAll page size of an export.
const collectPage = 4096

// collect reads the log up to head once: the operation's events (routed by
// stream, tasks by their Issued event), the directory, and the latest
// server checkpoint. It stands in for the history index (Seam 3), which
// yields decoded events but not the stored bytes and links an export needs.
func (x *Exporter) collect(ctx context.Context, req Request, head eventstore.Position) (*collected, error) {
	col := &collected{scope: newScope(req.Operation, req.AsAgency, req.Judicial)}
	r := newRoute(req.Operation)
	r.tracks = req.Tracks
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := x.readAhead(ctx, head)
	for p := range pages {
		if p.err != nil {
			return nil, fmt.Errorf("export: read the log: %w", p.err)
		}
		for _, rec := range p.events {
			if err := x.take(col, r, rec); err != nil {
				return nil, err
			}
		}
	}
	return col, nil
}

// page is one ReadAll page, or the error that ended the reading.
type page struct {
	events []eventstore.RecordedEvent
	err    error
}

// readAhead reads the log up to head on another goroutine, a page ahead of
// its consumer, so that the store's work and the export's overlap. The
// channel closes after the last page or an error; cancel ctx to stop it.
func (x *Exporter) readAhead(ctx context.Context, head eventstore.Position) <-chan page {
	out := make(chan page, 2)
	go func() {
		defer close(out)
		from := eventstore.Start
		for {
			evs, err := x.cfg.Reader.ReadAll(ctx, eventstore.Forwards, from, collectPage)
			if err != nil {
				select {
				case out <- page{err: err}:
				case <-ctx.Done():
				}
				return
			}
			if len(evs) == 0 {
				return
			}
			from = eventstore.After(evs[len(evs)-1].Position)
			last := len(evs)
			for last > 0 && head.Less(evs[last-1].Position) {
				last--
			}
			select {
			case out <- page{events: evs[:last]}:
			case <-ctx.Done():
				return
			}
			if last < len(evs) {
				return
			}
		}
	}()
	return out
}

// take routes and folds one stored event.
func (x *Exporter) take(col *collected, r *route, rec eventstore.RecordedEvent) error {
	if rec.Stream == integrity.CheckpointStream {
		if cp, err := integrity.ParseCheckpoint(rec.Data); err == nil {
			col.server, col.serverPos = &cp, rec.Position
		}
		return nil
	}
	mine := r.belongs(rec.Stream)
	// Decode only what routing, the scope or the tracks need: most of an
	// operation's events are field reports, and a full export needs none.
	scoped := !col.scope.asAgency.IsZero()
	decode := (rec.Type == task.IssuedType && strings.HasPrefix(rec.Stream, task.StreamPrefix)) ||
		(scoped && rec.Type == agency.RegisteredType) ||
		(mine && scoped && (rec.Type == operation.ProposedType || rec.Type == operation.ParticipantAddedType)) ||
		(mine && (scoped || col.scope.judicial || r.tracks) && strings.HasPrefix(rec.Type, fieldTypePrefix))
	var ev domain.Event
	undecodable := false
	if decode {
		e, known, err := x.cfg.Decoder.Decode(rec)
		switch {
		case err != nil:
			// Exported as stored; a scoped export cannot tell who may see
			// it and withholds it (see scope.withheld).
			x.cfg.Logger.Warn("export: event does not decode", "stream", rec.Stream, "revision", rec.Revision, "err", err)
			undecodable = true
		case known:
			ev = e
			col.scope.fold(e.Payload)
			if issued, ok := e.Payload.(*task.Issued); ok && issued.OperationID == r.op {
				r.tasks[rec.Stream] = true
				mine = true
			}
		}
	}
	if !mine {
		return nil
	}
	if rec.Type == JudicialUsePermittedType {
		col.scope.permit(rec.Data)
	}
	if n := len(col.events); n == 0 || len(col.events[n-1]) == eventChunk {
		col.events = append(col.events, make([]opEvent, 0, eventChunk))
	}
	last := &col.events[len(col.events)-1]
	*last = append(*last, opEvent{rec: rec, payload: ev.Payload, occurredAt: ev.OccurredAt, undecodable: undecodable})
	col.count++
	return nil
}

const fieldTypePrefix = "jointops.field."

// route tells the streams of one operation: its operation stream, its
// field logs, its audit stream and the streams of the tasks issued in it.
type route struct {
	op                    domain.OperationID
	opStream, unitlog, au string
	tasks                 map[string]bool
	// tracks says the position reports are needed decoded.
	tracks bool
}

// AuditStreamPrefix begins the audit stream of an operation (Seam 1).
const AuditStreamPrefix = "audit-"

func newRoute(op domain.OperationID) *route {
	return &route{op: op, opStream: operation.Stream(op), unitlog: fieldlog.OperationStreamPrefix(op),
		au: AuditStreamPrefix + op.String(), tasks: map[string]bool{}}
}

func (r *route) belongs(stream string) bool {
	return stream == r.opStream || stream == r.au || strings.HasPrefix(stream, r.unitlog) || r.tasks[stream]
}

func allStreams(h integrity.Heads) map[string]struct{} {
	out := make(map[string]struct{}, len(h))
	for s := range maps.Keys(h) {
		out[s] = struct{}{}
	}
	return out
}
