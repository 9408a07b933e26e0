package httpapi

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections/board"
)

// History answers reads of an operation's past (infra/history.History is
// one). Its methods are safe for concurrent use.
type History interface {
	// TookPart reports whether agency took part in op at any time; an
	// operation never seen is history.ErrUnknownOperation.
	TookPart(op domain.OperationID, agency domain.AgencyID) (bool, error)
	// FrameAt is the board and directory of op as of a position.
	FrameAt(ctx context.Context, op domain.OperationID, at eventstore.Cursor) (*history.Frame, error)
	// FrameOccurredAt is the board of op's events that happened by t.
	FrameOccurredAt(ctx context.Context, op domain.OperationID, t time.Time) (*history.Frame, error)
	// PositionAt maps a server time to the last position recorded by
	// then (history.ErrBeforeFirstEvent before the operation's first).
	PositionAt(ctx context.Context, op domain.OperationID, t time.Time) (eventstore.Position, error)
	// Timeline is a page of op's events as an agency may see them.
	Timeline(ctx context.Context, q history.Query) (history.Page, error)
}

var _ History = (*history.History)(nil)

// HistoryRead is one read of an operation's history, recorded before its
// answer is computed (the shape of commands.HistoryAccess).
type HistoryRead struct {
	Operation domain.OperationID
	// What is "board_as_of" or "timeline".
	What string
	// Purpose is why the history is read, as the caller gave it.
	Purpose string
	// Parameters are the read's arguments as given.
	Parameters map[string]string
	// OccurredAt is the server's clock when the read began.
	OccurredAt time.Time
}

// HistoryRecorder records a read of history as an audit event. A read is
// served only once it is recorded: an error refuses the read.
type HistoryRecorder interface {
	RecordHistoryRead(ctx context.Context, p commands.Principal, read HistoryRead) error
}

// Kinds of history read, as recorded.
const (
	readBoardAsOf = "board_as_of"
	readTimeline  = "timeline"
)

// Codes of the history routes' refusals.
const (
	codeHistoryRole     domain.Code = "history.role_not_allowed"
	codeHistoryAsAgency domain.Code = "history.as_agency_not_allowed"
	codeHistoryAhead    domain.Code = "history.not_indexed"
)

// Bounds of what a read records: its purpose, in characters, and its
// parameters (as the audit trail takes them).
const (
	maxPurpose    = 1000
	maxParameters = 32
)

// historyRoutes are the reads of operations' pasts, served when
// Config.History is set. Investigators, admins and commanders of an agency
// that took part in the operation may read it, as their own agency saw it;
// an admin also as any other agency that took part. Anyone else gets 403
// (a role that may not read history) or 404 (an operation its agency did
// not take part in, as for one that does not exist). Every read names its
// purpose and is recorded before it is answered.
func (a *api) historyRoutes() []route {
	if a.cfg.History == nil {
		return nil
	}
	return []route{
		{"GET", "/v1/operations/{operation}/history/board", a.historyBoard},
		{"GET", "/v1/operations/{operation}/history/timeline", a.historyTimeline},
	}
}

// historyRead is what both reads check first: who asks, as whom, why.
type historyRead struct {
	op       domain.OperationID
	asAgency domain.AgencyID
	purpose  string
}

// parseHistoryRead reads the parameters every history read takes: the
// operation, the agency viewed as (the caller's own by default) and the
// purpose, adding their problems to probs.
func parseHistoryRead(r *http.Request, p commands.Principal, probs *domain.Problems) historyRead {
	q := r.URL.Query()
	in := historyRead{op: pathID[domain.OperationID](r, probs, "operation"), asAgency: p.Agency}
	if s := q.Get("as_agency"); s != "" {
		in.asAgency = requireID[domain.AgencyID](probs, "as_agency", s)
	}
	in.purpose = strings.TrimSpace(q.Get("purpose"))
	switch n := utf8.RuneCountInString(in.purpose); {
	case n == 0:
		probs.Add("purpose", "required: say why the history is read")
	case n > maxPurpose:
		probs.Addf("purpose", "at most %d characters", maxPurpose)
	}
	return in
}

// mayReadHistory is the rule of every history read (boards as of, the
// timeline, replays): investigators, admins and commanders of an agency
// that took part; as another agency (that took part) only an admin; an
// operation the caller's agency did not take part in is 404, as one that
// does not exist.
func (a *api) mayReadHistory(p commands.Principal, in historyRead) error {
	if !slices.Contains([]commands.Role{commands.RoleInvestigator, commands.RoleAdmin, commands.RoleCommander}, p.Role) {
		return domain.Forbid(codeHistoryRole, "role %s may not read history (investigators, admins and commanders may)", p.Role)
	}
	if ok, err := a.cfg.History.TookPart(in.op, p.Agency); err != nil || !ok {
		if err != nil && !errors.Is(err, history.ErrUnknownOperation) {
			return err
		}
		return historyNotFound(in.op)
	}
	if in.asAgency == p.Agency {
		return nil
	}
	if p.Role != commands.RoleAdmin {
		return domain.Forbid(codeHistoryAsAgency, "only an admin may read history as another agency")
	}
	if ok, err := a.cfg.History.TookPart(in.op, in.asAgency); err != nil || !ok {
		return domain.Forbid(codeHistoryAsAgency, "agency %s did not take part in operation %s", in.asAgency, in.op)
	}
	return nil
}

// authorizeHistory parses and checks the common parameters and records
// the read; probs collects the route's own parameter problems, reported
// together with the common ones.
func (a *api) authorizeHistory(r *http.Request, p commands.Principal, what string, probs *domain.Problems) (historyRead, error) {
	q := r.URL.Query()
	in := parseHistoryRead(r, p, probs)
	if err := probs.Err(); err != nil {
		return historyRead{}, err
	}
	if err := a.mayReadHistory(p, in); err != nil {
		return historyRead{}, err
	}
	// The read's arguments as given, in name order, at most maxParameters
	// with the agency viewed as.
	params := map[string]string{"as_agency": in.asAgency.String()}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if k != "purpose" && k != "as_agency" && len(params) < maxParameters {
			params[k] = strings.Join(q[k], ",")
		}
	}
	err := a.cfg.HistoryRecorder.RecordHistoryRead(r.Context(), p, HistoryRead{
		Operation: in.op, What: what, Purpose: in.purpose, Parameters: params, OccurredAt: a.cfg.Now(),
	})
	if err != nil {
		return historyRead{}, err
	}
	return in, nil
}

// historyNotFound answers alike an operation that does not exist and one
// the caller's agency did not take part in.
func historyNotFound(op domain.OperationID) error {
	return domain.Missing(codeBoardNotFound, "no history of operation %s", op)
}

// historyError maps the errors of history to the API's kinds.
func historyError(op domain.OperationID, err error) error {
	switch {
	case errors.Is(err, history.ErrUnknownOperation):
		return historyNotFound(op)
	case errors.Is(err, history.ErrNotIndexed):
		return domain.Reject(codeHistoryAhead, "that position is not in the history yet; the log has not been indexed that far")
	}
	return err
}

// Kinds of "as of".
const (
	asOfPosition = "position"
	asOfRecorded = "recorded_at"
	asOfOccurred = "occurred_at"
)

// historyBoardOut is the JSON of GET …/history/board: the board as the
// live read gives it, with what it is as of.
type historyBoardOut struct {
	Operation domain.OperationID `json:"operation_id"`
	// Position is the position of the last event folded ("" for none).
	Position string `json:"position"`
	// AsOf is the position or time asked, as given.
	AsOf     string          `json:"as_of"`
	AsOfKind string          `json:"as_of_kind"`
	AsAgency domain.AgencyID `json:"as_agency"`
	Board    board.View      `json:"board"`
}

// asOf is the "as of" of a board read.
type asOf struct {
	kind     string
	given    string
	position eventstore.Position
	time     time.Time
}

func parseAsOf(r *http.Request, probs *domain.Problems) asOf {
	q := r.URL.Query()
	pos, at, clock := q.Get("as_of"), q.Get("as_of_time"), q.Get("time")
	switch {
	case pos != "" && at != "":
		probs.Add("as_of", "give as_of (a position) or as_of_time (a time), not both")
		return asOf{}
	case pos != "":
		if clock != "" {
			probs.Add("time", "applies to as_of_time only")
		}
		p, err := eventstore.ParsePosition(pos)
		if err != nil {
			probs.Add("as_of", "want a log position commit/prepare, as the board reads give")
		}
		return asOf{kind: asOfPosition, given: pos, position: p}
	case at != "":
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			probs.Add("as_of_time", "want an RFC 3339 time")
		}
		kind := asOfRecorded
		switch clock {
		case "", string(history.Recorded):
		case string(history.Occurred):
			kind = asOfOccurred
		default:
			probs.Add("time", `want "recorded" or "occurred"`)
		}
		return asOf{kind: kind, given: at, time: t}
	}
	probs.Add("as_of", "required: as_of (a log position) or as_of_time (a time)")
	return asOf{}
}

func (a *api) historyBoard(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	when := parseAsOf(r, &probs)
	in, err := a.authorizeHistory(r, p, readBoardAsOf, &probs)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var f *history.Frame
	switch when.kind {
	case asOfPosition:
		f, err = a.cfg.History.FrameAt(ctx, in.op, eventstore.After(when.position))
	case asOfRecorded:
		var pos eventstore.Position
		pos, err = a.cfg.History.PositionAt(ctx, in.op, when.time)
		switch {
		case errors.Is(err, history.ErrBeforeFirstEvent):
			f, err = a.cfg.History.FrameAt(ctx, in.op, eventstore.Start)
		case err == nil:
			f, err = a.cfg.History.FrameAt(ctx, in.op, eventstore.After(pos))
		}
	case asOfOccurred:
		f, err = a.cfg.History.FrameOccurredAt(ctx, in.op, when.time)
	}
	if err != nil {
		return historyError(in.op, err)
	}
	out := historyBoardOut{Operation: in.op, AsOf: when.given, AsOfKind: when.kind, AsAgency: in.asAgency, Board: f.View(in.asAgency)}
	if f.Events() > 0 {
		out.Position = f.Position().String()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// historyTimelineOut is the JSON of GET …/history/timeline.
type historyTimelineOut struct {
	history.Page
	TimeKind string `json:"time"`
}

func (a *api) historyTimeline(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	q := parseTimelineQuery(r, &probs)
	in, err := a.authorizeHistory(r, p, readTimeline, &probs)
	if err != nil {
		return err
	}
	q.Operation, q.Agency = in.op, in.asAgency
	page, err := a.cfg.History.Timeline(r.Context(), q)
	if err != nil {
		return historyError(in.op, err)
	}
	clock := q.Clock
	if clock == "" {
		clock = history.Recorded
	}
	writeJSON(w, http.StatusOK, historyTimelineOut{Page: page, TimeKind: string(clock)})
	return nil
}

// parseTimelineQuery reads the filters of a timeline read.
func parseTimelineQuery(r *http.Request, probs *domain.Problems) history.Query {
	v := r.URL.Query()
	q := history.Query{At: eventstore.End, After: eventstore.Start}
	cursor := func(field string) (eventstore.Cursor, bool) {
		s := v.Get(field)
		if s == "" {
			return eventstore.Cursor{}, false
		}
		p, err := eventstore.ParsePosition(s)
		if err != nil {
			probs.Add(field, "want a log position commit/prepare")
			return eventstore.Cursor{}, false
		}
		return eventstore.After(p), true
	}
	if c, ok := cursor("as_of"); ok {
		q.At = c
	}
	if c, ok := cursor("after"); ok {
		q.After = c
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > history.MaxTimelineLimit {
			probs.Addf("limit", "must be a whole number from 1 to %d", history.MaxTimelineLimit)
		}
		q.Limit = n
	}
	for i, s := range splitList(v["unit"]) {
		q.Units = append(q.Units, requireID[domain.UnitID](probs, domain.Index("unit", i), s))
	}
	for i, s := range splitList(v["agency"]) {
		q.Agencies = append(q.Agencies, requireID[domain.AgencyID](probs, domain.Index("agency", i), s))
	}
	q.Types = splitList(v["type"])
	if s := v.Get("bbox"); s != "" {
		q.Box = parseBox(s, probs)
	}
	switch c := v.Get("time"); c {
	case "", string(history.Recorded), string(history.Occurred):
		q.Clock = history.Clock(c)
	default:
		probs.Add("time", `want "recorded" or "occurred"`)
	}
	for _, f := range []struct {
		field string
		into  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Get(f.field); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				probs.Add(f.field, "want an RFC 3339 time")
			}
			*f.into = t
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		probs.Add("to", "must not be before from")
	}
	return q
}

// splitList reads a repeated or comma-separated parameter.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// parseBox reads bbox=minLon,minLat,maxLon,maxLat (GeoJSON's order).
func parseBox(s string, probs *domain.Problems) *history.Box {
	parts := strings.Split(s, ",")
	var f [4]float64
	ok := len(parts) == 4
	for i := 0; ok && i < 4; i++ {
		var err error
		f[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		ok = err == nil
	}
	if !ok || f[0] > f[2] || f[1] > f[3] || f[1] < -90 || f[3] > 90 || f[0] < -180 || f[2] > 180 {
		probs.Add("bbox", "want min_lon,min_lat,max_lon,max_lat in degrees, minimums first")
		return nil
	}
	return &history.Box{MinLon: f[0], MinLat: f[1], MaxLon: f[2], MaxLat: f[3]}
}
