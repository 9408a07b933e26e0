package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// Clock names the clock a time of an event is read from.
type Clock string

// The clocks of an event.
const (
	// Recorded is the server's clock: when the log recorded the event.
	Recorded Clock = "recorded"
	// Occurred is the field clock: when the fact happened.
	Occurred Clock = "occurred"
)

// Limits of a timeline page.
const (
	DefaultTimelineLimit = 100
	MaxTimelineLimit     = 1000
)

// Box is an area of latitudes and longitudes, in degrees, bounds included.
type Box struct {
	MinLat, MinLon, MaxLat, MaxLon float64
}

// Contains reports whether the point lat, lon lies in b.
func (b Box) Contains(lat, lon float64) bool {
	return lat >= b.MinLat && lat <= b.MaxLat && lon >= b.MinLon && lon <= b.MaxLon
}

// Query asks for a page of an operation's timeline as one agency may see
// it. Zero filters match everything.
type Query struct {
	Operation domain.OperationID
	// Agency is the agency the timeline is read as: a report it may not
	// see as of At is left out entirely.
	Agency domain.AgencyID
	// At is the position the timeline is read as of (End: the index
	// head): only events at or before it are listed, and visibility is
	// decided by the board as of it.
	At eventstore.Cursor
	// After is the page cursor: events after it (Start: from the first).
	After eventstore.Cursor
	// Limit is the page size, 1 to MaxTimelineLimit; 0 is
	// DefaultTimelineLimit.
	Limit int
	// Units keeps the events of these units: reported by one, or about
	// one (a report's unit, a task's unit).
	Units []domain.UnitID
	// Agencies keeps the events whose actor is of these agencies.
	Agencies []domain.AgencyID
	// Types keeps the events whose type begins with one of these.
	Types []string
	// Box keeps the located events (those with a point) inside it.
	Box *Box
	// From and To bound the events' time on Clock (zero: unbounded);
	// both bounds are included.
	From, To time.Time
	// Clock is the clock From and To are read on; Recorded when empty.
	Clock Clock
}

// Validate reports every problem of the query.
func (q Query) Validate() error {
	var errs []error
	if q.Operation.IsZero() {
		errs = append(errs, errors.New("operation required"))
	}
	if q.Agency.IsZero() {
		errs = append(errs, errors.New("agency required"))
	}
	if q.Limit < 0 || q.Limit > MaxTimelineLimit {
		errs = append(errs, fmt.Errorf("limit %d: want 1 to %d", q.Limit, MaxTimelineLimit))
	}
	if q.Clock != "" && q.Clock != Recorded && q.Clock != Occurred {
		errs = append(errs, fmt.Errorf("clock %q: want %q or %q", q.Clock, Recorded, Occurred))
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		errs = append(errs, errors.New("time window ends before it begins"))
	}
	if b := q.Box; b != nil && (b.MinLat > b.MaxLat || b.MinLon > b.MaxLon) {
		errs = append(errs, errors.New("box: minimum above maximum"))
	}
	return errors.Join(errs...)
}

// Item is one event of a timeline.
type Item struct {
	Position   string    `json:"position"`
	Stream     string    `json:"stream"`
	Revision   uint64    `json:"revision"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	// Late is whether the event was recorded late (an offline unit), and
	// LateBySeconds by how much.
	Late          bool            `json:"late"`
	LateBySeconds int64           `json:"late_by_s,omitempty"`
	Actor         domain.Actor    `json:"actor"`
	CommandID     uuid.UUID       `json:"command_id,omitzero"`
	Payload       json.RawMessage `json:"payload"`
}

// Page is a page of a timeline.
type Page struct {
	Operation domain.OperationID `json:"operation_id"`
	// Position is the position the timeline was read as of.
	Position string          `json:"position"`
	AsAgency domain.AgencyID `json:"as_agency"`
	Items    []Item          `json:"items"`
	// Next is the cursor of the next page (pass it as After); "" when
	// this page is the last.
	Next string `json:"next,omitempty"`
}

// Timeline returns a page of the operation's events matching q, in log
// order, as q.Agency may see them as of q.At: a report, retraction or
// relaxation of a report it may not see then is left out, not even
// counted. Other events (planning, command, tasks, resources, audit) are
// seen by every participating agency; an agency that did not take part
// then sees nothing.
func (h *History) Timeline(ctx context.Context, q Query) (Page, error) {
	if err := q.Validate(); err != nil {
		return Page{}, fmt.Errorf("history: timeline: %w", err)
	}
	if q.Limit == 0 {
		q.Limit = DefaultTimelineLimit
	}
	f, err := h.FrameAt(ctx, q.Operation, q.At)
	if err != nil {
		return Page{}, err
	}
	page := Page{Operation: q.Operation, AsAgency: q.Agency, Items: []Item{}}
	if f.Events() > 0 {
		page.Position = f.Position().String()
	}
	if !f.Participant(q.Agency) {
		return page, nil
	}
	v, _, _, err := h.index(q.Operation)
	if err != nil {
		return Page{}, err
	}
	n, err := h.upTo(ctx, v, f.Position())
	if err != nil {
		return Page{}, fmt.Errorf("history: timeline of %s: %w", q.Operation, err)
	}
	from := 0
	if p, ok := q.After.Position(); ok {
		if from, err = h.upTo(ctx, v, p); err != nil {
			return Page{}, fmt.Errorf("history: timeline of %s: %w", q.Operation, err)
		}
	}
	viewer := f.Viewer(q.Agency)
	// Read the candidates in batches until one more than the page holds
	// is found: only then is there a next page. (A next cursor after the
	// last item the agency may see would reveal that something it may not
	// see follows.)
	batch := max(2*q.Limit, 64)
	cursors := map[string]*streamCursor{}
	err = h.scan(ctx, v, from, n, batch, q.candidates(), func(ws []want) error {
		return h.readAll(ctx, cursors, nil, ws, func(ds []decoded) error {
			for _, d := range ds {
				if !q.matches(d.env, d.rec) || !visible(f, d.env, viewer) {
					continue
				}
				if len(page.Items) == q.Limit {
					page.Next = page.Items[len(page.Items)-1].Position
					return errPageFull
				}
				page.Items = append(page.Items, item(d.env, d.rec))
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errPageFull) {
		return Page{}, fmt.Errorf("history: timeline of %s: %w", q.Operation, err)
	}
	return page, nil
}

var errPageFull = errors.New("page full")

// candidates picks the entries that pass the filters the index can check
// without the payload: actor agency, type and time window. A chunk whose
// times all lie outside the window is skipped whole.
func (q Query) candidates() selection {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		from = q.From.UnixNano()
	}
	if !q.To.IsZero() {
		to = q.To.UnixNano()
	}
	occurred := q.Clock == Occurred
	var sel selection
	if from != math.MinInt64 || to != math.MaxInt64 {
		sel.skip = func(c *chunk) bool {
			lo, hi := c.minRecorded, c.maxRecorded
			if occurred {
				lo, hi = c.minOccurred, c.maxOccurred
			}
			return hi < from || lo > to
		}
	}
	sel.keep = func(d *chunkData, e *entry) bool {
		t := e.recorded
		if occurred {
			t = e.occurred
		}
		switch {
		case t < from, t > to:
			return false
		case len(q.Agencies) > 0 && !slices.Contains(q.Agencies, d.actors[e.actor].Agency):
			return false
		case len(q.Types) > 0 && !slices.ContainsFunc(q.Types, func(p string) bool { return strings.HasPrefix(d.types[e.typ], p) }):
			return false
		}
		return true
	}
	return sel
}

// matches checks the filters that need the event: its unit and place.
func (q Query) matches(env projections.Envelope, rec *eventstore.RecordedEvent) bool {
	if len(q.Units) > 0 {
		u := unitOf(env.Event.Payload)
		if !slices.Contains(q.Units, env.Event.Actor.Unit) && (u.IsZero() || !slices.Contains(q.Units, u)) {
			return false
		}
	}
	if q.Box != nil {
		lat, lon, ok := located(rec.Data)
		if !ok || !q.Box.Contains(lat, lon) {
			return false
		}
	}
	return true
}

// unitOf returns the unit an event is about, if it names one.
func unitOf(p domain.Payload) domain.UnitID {
	switch e := p.(type) {
	case fieldlog.Report:
		return e.Head().UnitID
	case *fieldlog.ReportRetracted:
		return e.UnitID
	case *fieldlog.MarkingRelaxed:
		return e.UnitID
	case *task.Issued:
		return e.UnitID
	case *task.Acknowledged:
		return e.UnitID
	}
	return domain.UnitID{}
}

// located returns the point of a payload that has one ("point": {"lat",
// "lon"}, as every located report writes it).
func located(data []byte) (lat, lon float64, ok bool) {
	var p struct {
		Point *struct {
			Lat *float64 `json:"lat"`
			Lon *float64 `json:"lon"`
		} `json:"point"`
	}
	if json.Unmarshal(data, &p) != nil || p.Point == nil || p.Point.Lat == nil || p.Point.Lon == nil {
		return 0, 0, false
	}
	return *p.Point.Lat, *p.Point.Lon, true
}

// visible reports whether viewer may see env as of frame f: an event about
// a report only if it may see the report.
func visible(f *Frame, env projections.Envelope, viewer marking.Viewer) bool {
	switch e := env.Event.Payload.(type) {
	case fieldlog.Report:
		return f.board.MayViewReport(e.Head().ReportID, viewer)
	case *fieldlog.ReportRetracted:
		return f.board.MayViewReport(e.Retracts, viewer)
	case *fieldlog.MarkingRelaxed:
		return f.board.MayViewReport(e.Report, viewer)
	}
	return true
}

func item(env projections.Envelope, rec *eventstore.RecordedEvent) Item {
	ev := env.Event
	it := Item{
		Position: env.Position, Stream: env.Stream, Revision: env.Revision, Type: ev.Type,
		OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt, Late: ev.Late(), Actor: ev.Actor,
		Payload: json.RawMessage(rec.Data),
	}
	if it.Late {
		it.LateBySeconds = int64(ev.LateBy / time.Second)
	}
	var meta struct {
		CommandID uuid.UUID `json:"command_id"`
	}
	if json.Unmarshal(rec.Metadata, &meta) == nil {
		it.CommandID = meta.CommandID
	}
	if !json.Valid(it.Payload) {
		it.Payload = json.RawMessage("null")
	}
	return it
}
