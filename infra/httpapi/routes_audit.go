package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	"github.com/jointops/jointops/infra/eventstore"
)

// AuditLog reads operations' audit streams: the event log's reader and the
// codec that decodes its events (an eventstore.Store and an
// *eventlog.Codec, embedded in one struct, are one).
type AuditLog interface {
	ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error)
	Decode(r eventstore.RecordedEvent) (e domain.Event, known bool, err error)
}

// Limits of an audit timeline page.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// auditRoutes are the judicial-use permission of a field report, and the
// audit timeline of an operation when Config.Audit is set.
func (a *api) auditRoutes() []route {
	rs := []route{
		{"POST", "/v1/operations/{operation}/units/{unit}/reports/{report}/judicial-use", command[judicialUseIn](a, (*judicialUseIn).build, a.cmds.PermitJudicialUse)},
	}
	if a.cfg.Audit != nil {
		rs = append(rs, route{"GET", "/v1/operations/{operation}/audit", a.auditTimeline})
	}
	return rs
}

// judicialUseIn is the body of a judicial-use permission: the permission's
// own entry ID, and the case the report may be used in.
type judicialUseIn struct {
	commandIn
	ReportID      string `json:"report_id"`
	CaseReference string `json:"case_reference"`
	Note          string `json:"note"`
}

func (b *judicialUseIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.JudicialUsePermission {
	return commands.JudicialUsePermission{
		Operation:     pathID[domain.OperationID](r, p, "operation"),
		Unit:          pathID[domain.UnitID](r, p, "unit"),
		OccurredAt:    at,
		ID:            requireID[domain.ReportID](p, "report_id", b.ReportID),
		Report:        pathID[domain.ReportID](r, p, "report"),
		CaseReference: b.CaseReference,
		Note:          b.Note,
	}
}

// auditPageOut is the JSON of GET …/audit: a page of the operation's
// history accesses in the order they were recorded.
type auditPageOut struct {
	Operation domain.OperationID `json:"operation_id"`
	Accesses  []auditAccessOut   `json:"accesses"`
	// Next is the after of the next page; empty on the last page.
	Next string `json:"next,omitempty"`
}

// auditAccessOut is one recorded read of the history: who (the actor, in
// which role, of which agency), what, why, with which arguments, when.
type auditAccessOut struct {
	Position   string            `json:"position"`
	Revision   uint64            `json:"revision"`
	RecordedAt time.Time         `json:"recorded_at"`
	OccurredAt time.Time         `json:"occurred_at"`
	Actor      domain.Actor      `json:"actor"`
	Role       string            `json:"role"`
	What       audit.Kind        `json:"what"`
	Purpose    string            `json:"purpose"`
	Parameters map[string]string `json:"parameters"`
}

// auditQuery is what a timeline request asks.
type auditQuery struct {
	op      domain.OperationID
	purpose string
	from    uint64 // the first revision to read
	limit   int
	params  map[string]string
}

// parseAuditQuery reads the path and query of a timeline request, with
// every problem at once.
func parseAuditQuery(r *http.Request) (auditQuery, error) {
	var probs domain.Problems
	v := r.URL.Query()
	q := auditQuery{op: pathID[domain.OperationID](r, &probs, "operation"), purpose: strings.TrimSpace(v.Get("purpose")),
		limit: defaultAuditLimit, params: map[string]string{}}
	switch n := utf8.RuneCountInString(q.purpose); {
	case n == 0:
		probs.Add("purpose", "required: say why the audit trail is read")
	case n > audit.MaxPurpose:
		probs.Addf("purpose", "at most %d characters", audit.MaxPurpose)
	}
	if s := v.Get("after"); s != "" {
		after, err := strconv.ParseUint(s, 10, 64)
		if err != nil || after == ^uint64(0) {
			probs.Add("after", "must be the next of a previous page")
		}
		q.from, q.params["after"] = after+1, s
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxAuditLimit {
			probs.Addf("limit", "must be a whole number from 1 to %d", maxAuditLimit)
		}
		q.limit, q.params["limit"] = n, s
	}
	return q, probs.Err()
}

// auditTimeline serves GET /v1/operations/{operation}/audit: the accesses
// to the operation's history, oldest first, a page at a time. Reading it is
// itself an access, recorded (and authorized: investigators and admins of
// a participating agency) before anything is read.
func (a *api) auditTimeline(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	q, err := parseAuditQuery(r)
	if err != nil {
		return err
	}
	_, err = a.cmds.RecordHistoryAccess(r.Context(), p, commands.HistoryAccess{
		Operation: q.op, What: commands.AccessAudit, Purpose: q.purpose, Parameters: q.params, OccurredAt: a.cfg.Now(),
	})
	if err != nil {
		return err
	}
	page, err := readAuditPage(r.Context(), a.cfg.Audit, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// readAuditPage reads up to q.limit accesses from revision q.from, and one
// more to know whether another page follows. Events of types this build
// does not know are passed over.
func readAuditPage(ctx context.Context, log AuditLog, q auditQuery) (auditPageOut, error) {
	page := auditPageOut{Operation: q.op, Accesses: []auditAccessOut{}}
	recs, err := log.ReadStream(ctx, audit.Stream(q.op), eventstore.Forwards, q.from, q.limit+1)
	switch {
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return page, nil
	case err != nil:
		return auditPageOut{}, fmt.Errorf("read the audit trail of %s: %w", q.op, err)
	}
	if len(recs) > q.limit {
		recs = recs[:q.limit]
		page.Next = strconv.FormatUint(recs[len(recs)-1].Revision, 10)
	}
	for _, rec := range recs {
		e, known, err := log.Decode(rec)
		if err != nil {
			return auditPageOut{}, fmt.Errorf("read the audit trail of %s: %w", q.op, err)
		}
		acc, ok := e.Payload.(*audit.HistoryAccessed)
		if !known || !ok {
			continue
		}
		params := acc.Parameters
		if params == nil {
			params = map[string]string{}
		}
		page.Accesses = append(page.Accesses, auditAccessOut{
			Position: rec.Position.String(), Revision: rec.Revision, RecordedAt: e.RecordedAt, OccurredAt: e.OccurredAt,
			Actor: e.Actor, Role: acc.Role, What: acc.What, Purpose: acc.Purpose, Parameters: params,
		})
	}
	return page, nil
}
