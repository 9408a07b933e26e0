package board

import (
	"fmt"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
)

// Board is the situation board of one operation. Feed it the events of the
// operation's stream, its tasks' streams and its units' field logs, in log
// order, with Apply (live, with deltas) or Fold (rebuild); events of other
// operations and of unknown types are ignored. It is not safe for
// concurrent use.
type Board struct {
	cfg      Config
	id       domain.OperationID
	position string
	events   uint64
	clock    time.Time // latest RecordedAt folded
	aud      audiences

	proposed     bool
	status       operation.Status // as recorded; never StatusAgreed
	shownStatus  operation.Status // as last shown, with agreed derived
	purpose      string
	lead         domain.AgencyID
	participants []domain.AgencyID // replaced on change, never modified: changes share it
	arrangement  int
	agreed       map[domain.AgencyID]int
	hostStates   []domain.StateCode
	legalBasis   []domain.LegalRef
	area         geo.Polygon
	period       domain.Period
	opPeriods    []OperationalPeriod
	orgUnits     map[domain.OrgUnitID]OrgUnit
	positions    map[domain.PositionID]*Position
	units        map[domain.UnitID]*Unit
	tasks        map[domain.TaskID]*Task // every task issued in the operation; closed ones too

	index       map[domain.ReportID]reportRef // every report folded, retained or not
	corrections map[domain.ReportID]links     // every report that corrects or is corrected
	// reportWindows[l] are the retained reports (other than positions) of
	// marking list l, by recorded_at then ID; reports holds them by ID.
	reportWindows [][]*report
	reports       map[domain.ReportID]*report
	tracks        map[domain.UnitID]*track
	trackOrder    []*track // by unit ID
	trackList     []*track // in order of creation, indexed by reportRef.track
	// entries[0] are the retained entries every participant sees,
	// entries[l+1] those about the reports of marking list l, each by
	// recorded_at then key; entryByKey holds them by key.
	entries    [][]*entry
	entryByKey map[string]*entry

	flags         map[compliance.FlagID]*flag
	flagOrder     []*flag                     // by recorded_at, then ID
	flagsByReport map[domain.ReportID][]*flag // the flags resting on each report

	recording bool
	changes   []Change
}

// New returns the empty board of operation id.
func New(id domain.OperationID, cfg Config) (*Board, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if id.IsZero() {
		return nil, fmt.Errorf("board: operation id required")
	}
	return &Board{
		cfg:         cfg,
		id:          id,
		aud:         newAudiences(),
		agreed:      map[domain.AgencyID]int{},
		orgUnits:    map[domain.OrgUnitID]OrgUnit{},
		positions:   map[domain.PositionID]*Position{},
		units:       map[domain.UnitID]*Unit{},
		tasks:       map[domain.TaskID]*Task{},
		index:       map[domain.ReportID]reportRef{},
		corrections: map[domain.ReportID]links{},
		reports:     map[domain.ReportID]*report{},
		tracks:      map[domain.UnitID]*track{},
		entryByKey:  map[string]*entry{},

		flags:         map[compliance.FlagID]*flag{},
		flagsByReport: map[domain.ReportID][]*flag{},
	}, nil
}

// Operation returns the board's operation.
func (b *Board) Operation() domain.OperationID { return b.id }

// Position returns the log position of the last event folded, "" before
// the first: the board is "as of" it.
func (b *Board) Position() string { return b.position }

// Events returns how many events were folded (including ignored ones).
func (b *Board) Events() uint64 { return b.events }

// Clock returns the latest server time (RecordedAt) of the operation's
// events folded.
func (b *Board) Clock() time.Time { return b.clock }

// Participants returns the participating agencies in the order they
// joined.
func (b *Board) Participants() []domain.AgencyID {
	return append([]domain.AgencyID(nil), b.participants...)
}

// CurrentOperationalPeriod returns the number of the operational period
// containing the board's clock, 0 when none does. An agency's view derives
// its own from its AsOf.
func (b *Board) CurrentOperationalPeriod() int { return currentPeriod(b.opPeriods, b.clock) }

// Apply folds one event and returns what it changed, each change with its
// audience.
func (b *Board) Apply(env projections.Envelope) Delta {
	b.recording, b.changes = true, nil
	b.fold(env)
	d := Delta{Position: env.Position, At: b.clock, Changes: b.changes}
	b.recording, b.changes = false, nil
	return d
}

// Fold folds one event without building deltas: the fast path for
// rebuilds and time travel. A board folded with Fold and one fed the same
// events with Apply show every agency the same View.
func (b *Board) Fold(env projections.Envelope) { b.fold(env) }

func (b *Board) fold(env projections.Envelope) {
	b.position = env.Position
	b.events++
	if !b.belongs(env.Event.Payload) {
		return
	}
	if env.Event.RecordedAt.After(b.clock) {
		b.clock = env.Event.RecordedAt
	}
	switch p := env.Event.Payload.(type) {
	case *fieldlog.PositionReported:
		b.positionReported(env.Event, p)
	case fieldlog.Report:
		b.reported(env.Event, p)
	case *fieldlog.ReportRetracted:
		b.retracted(env.Event, p)
	case *fieldlog.MarkingRelaxed:
		b.relaxed(p)
	default:
		if !b.foldTask(env) && !b.foldFlag(env) {
			b.foldOperation(env)
		}
	}
}

// belongs reports whether a payload is about this board's operation.
// Task events other than Issued name only their task, which must have been
// issued in this operation.
func (b *Board) belongs(p domain.Payload) bool {
	switch e := p.(type) {
	case *task.Acknowledged:
		return b.tasks[e.TaskID] != nil
	case *task.Amended:
		return b.tasks[e.TaskID] != nil
	case *task.Completed:
		return b.tasks[e.TaskID] != nil
	case *task.Cancelled:
		return b.tasks[e.TaskID] != nil
	}
	return projections.PayloadOperation(p) == b.id
}

// emit records that a change with audience s happened now and, when
// recording, keeps the change for the delta.
func (b *Board) emit(s specID, c Change) {
	b.aud.specs[s].last = b.clock
	if b.recording {
		c.Audience = b.aud.audience(s, b.participants)
		b.changes = append(b.changes, c)
	}
}

func (b *Board) set(s specID, field string, v any) {
	b.emit(s, Change{Op: OpSet, Field: field, Value: v})
}

func (b *Board) put(s specID, collection, key string, v any) {
	b.emit(s, Change{Op: OpPut, Collection: collection, Key: key, Value: v})
}

func (b *Board) remove(s specID, collection, key string) {
	b.emit(s, Change{Op: OpDelete, Collection: collection, Key: key})
}

// only is the spec "agency alone, if it may see all of lists".
func (b *Board) only(agency domain.AgencyID, lists ...listID) specID {
	return b.aud.spec(agency, lists, nil)
}
