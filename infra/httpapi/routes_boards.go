package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Boards is the read side of the per-agency situation boards, kept current
// from the event log by the boards projection (infra/boards.Boards is
// one). Its methods answer from memory and are safe for concurrent use.
type Boards interface {
	// Viewer returns who an agency is for the marking checks of the
	// boards (its agency and state).
	Viewer(agency domain.AgencyID) marking.Viewer
	// View returns the board of op as viewer may see it and the log
	// position it reflects; ok is false when there is no such board or
	// viewer's agency does not take part in the operation.
	View(op domain.OperationID, viewer marking.Viewer) (v board.View, position string, ok bool)
	// Operations returns the operations agency leads or takes part in and
	// the log position the list reflects.
	Operations(agency domain.AgencyID) ([]projections.OperationSummary, string)
}

// codeBoardNotFound is the refusal of a board the caller may not see; the
// live route (infra/boardws) answers the same.
const codeBoardNotFound domain.Code = "board.not_found"

// boardNotFound is the same answer whether the operation does not exist or
// the caller's agency does not take part in it: it never reveals which.
func boardNotFound(op domain.OperationID) error {
	return domain.Missing(codeBoardNotFound, "no board of operation %s", op)
}

// boardRoutes are the reads of the boards, served when Config.Boards is
// set, and the live board, served when Config.Live is set too. Every
// answer carries the log position it reflects. Any role of an agency
// taking part in the operation may read its board, as that agency sees
// it; anyone else gets 404, as for an operation that does not exist.
func (a *api) boardRoutes() []route {
	if a.cfg.Boards == nil {
		return nil
	}
	rs := []route{
		{"GET", "/v1/operations", a.listOperations},
		{"GET", "/v1/operations/{operation}/board", a.boardRead(wholeBoard)},
		{"GET", "/v1/operations/{operation}/board/command", a.boardRead(commandBoard)},
		{"GET", "/v1/operations/{operation}/board/units", a.boardRead(unitsBoard)},
		{"GET", "/v1/operations/{operation}/board/tasks", a.boardRead(tasksBoard)},
		{"GET", "/v1/operations/{operation}/board/significant", a.boardRead(significantBoard)},
		{"GET", "/v1/operations/{operation}/board/flags", a.boardRead(flagsBoard)},
	}
	if a.cfg.Live != nil {
		rs = append(rs, route{"GET", "/v1/operations/{operation}/board/live", a.liveBoard})
	}
	return rs
}

// operationsOut is the JSON of GET /v1/operations.
type operationsOut struct {
	Position   string                         `json:"position"`
	Operations []projections.OperationSummary `json:"operations"`
}

func (a *api) listOperations(w http.ResponseWriter, _ *http.Request, p commands.Principal) error {
	ops, pos := a.cfg.Boards.Operations(p.Agency)
	if ops == nil {
		ops = []projections.OperationSummary{}
	}
	writeJSON(w, http.StatusOK, operationsOut{Position: pos, Operations: ops})
	return nil
}

// boardShape picks the part of a board that a read serves; it may read
// the request's query, recording its problems in probs.
type boardShape func(v board.View, pos string, r *http.Request, probs *domain.Problems) any

// boardRead serves one read of a board: the part of the view that shape
// picks, with the operation and position.
func (a *api) boardRead(shape boardShape) serveFunc {
	return func(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
		var probs domain.Problems
		op := pathID[domain.OperationID](r, &probs, "operation")
		if err := probs.Err(); err != nil {
			return err
		}
		v, pos, ok := a.cfg.Boards.View(op, a.cfg.Boards.Viewer(p.Agency))
		if !ok {
			return boardNotFound(op)
		}
		out := shape(v, pos, r, &probs)
		if err := probs.Err(); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// boardOut is the JSON of GET …/board: the whole view, as in the live
// snapshot.
type boardOut struct {
	Operation domain.OperationID `json:"operation_id"`
	Position  string             `json:"position"`
	Board     board.View         `json:"board"`
}

func wholeBoard(v board.View, pos string, _ *http.Request, _ *domain.Problems) any {
	return boardOut{Operation: v.Operation, Position: pos, Board: v}
}

// partHead is what every partial read starts with.
type partHead struct {
	Operation domain.OperationID `json:"operation_id"`
	Position  string             `json:"position"`
	// AsOf is the server time of the latest event that changed the view.
	AsOf time.Time `json:"as_of,omitzero"`
}

func headOf(v board.View, pos string) partHead {
	return partHead{Operation: v.Operation, Position: pos, AsOf: v.AsOf}
}

// commandOut is the JSON of GET …/board/command: the org chart and its
// positions with their holders.
type commandOut struct {
	partHead
	OrgUnits  []board.OrgUnit  `json:"org_units"`
	Positions []board.Position `json:"positions"`
}

func commandBoard(v board.View, pos string, _ *http.Request, _ *domain.Problems) any {
	return commandOut{partHead: headOf(v, pos), OrgUnits: nonNil(v.OrgUnits), Positions: nonNil(v.Positions)}
}

// unitsOut is the JSON of GET …/board/units: the resources with their
// status and the units' recent and last known positions.
type unitsOut struct {
	partHead
	Units  []board.Unit  `json:"units"`
	Tracks []board.Track `json:"tracks"`
}

func unitsBoard(v board.View, pos string, _ *http.Request, _ *domain.Problems) any {
	return unitsOut{partHead: headOf(v, pos), Units: nonNil(v.Units), Tracks: nonNil(v.Tracks)}
}

// tasksOut is the JSON of GET …/board/tasks: the open tasks with their
// acknowledgement state.
type tasksOut struct {
	partHead
	Tasks []board.Task `json:"tasks"`
}

func tasksBoard(v board.View, pos string, _ *http.Request, _ *domain.Problems) any {
	return tasksOut{partHead: headOf(v, pos), Tasks: nonNil(v.Tasks)}
}

// significantOut is the JSON of GET …/board/significant: the latest
// entries of the significant-events log, newest last, at most limit (the
// board's window, or the smaller ?limit=n).
type significantOut struct {
	partHead
	Limit       int           `json:"limit"`
	Significant []board.Entry `json:"significant"`
}

func significantBoard(v board.View, pos string, r *http.Request, probs *domain.Problems) any {
	limit := v.Limits.SignificantLength
	if q := r.URL.Query().Get("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > limit {
			probs.Addf("limit", "must be a whole number from 1 to %d", limit)
			return nil
		}
		limit = n
	}
	entries := v.Significant
	if len(entries) > limit {
		entries = entries[len(entries)-limit:]
	}
	return significantOut{partHead: headOf(v, pos), Limit: limit, Significant: nonNil(entries)}
}

// nonNil makes an absent list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
