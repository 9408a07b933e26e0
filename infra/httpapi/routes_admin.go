package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/projector"
)

// Projections is the operator's handle on the projection runner
// (*projector.Runner is one): the state of every projection, with its
// poison log, and an online rebuild.
type Projections interface {
	Status() []projector.ProjectionStatus
	Rebuild(ctx context.Context, name string) error
}

// Codes of the admin endpoints.
const (
	codeAdminOnly          domain.Code = "admin.admin_only"
	codeUnknownProjection  domain.Code = "admin.unknown_projection"
	codeProjectionsStopped domain.Code = "admin.projections_not_running"
)

// adminRoutes are the operator's endpoints, for administrators only:
// the projections' state and poison log, an online rebuild, and the
// Prometheus metrics. Each is served only when its dependency is set.
func (a *api) adminRoutes() []route {
	var rs []route
	if a.cfg.Projections != nil {
		rs = append(rs,
			route{"GET", "/v1/admin/projections", a.getProjections},
			route{"POST", "/v1/admin/projections/{name}/rebuild", a.rebuildProjection},
		)
	}
	if a.cfg.Metrics != nil {
		rs = append(rs, route{"GET", "/metrics", a.getMetrics})
	}
	return rs
}

func requireAdmin(p commands.Principal) error {
	if p.Role != commands.RoleAdmin {
		return domain.Forbid(codeAdminOnly, "role %s may not do this (allowed: admin)", p.Role)
	}
	return nil
}

func (a *api) getProjections(w http.ResponseWriter, _ *http.Request, p commands.Principal) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Projections []projector.ProjectionStatus `json:"projections"`
	}{a.cfg.Projections.Status()})
	return nil
}

// rebuildProjection folds the named projection again from the start of the
// log; it answers once the rebuild has begun (the status shows its
// progress), 202.
func (a *api) rebuildProjection(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	name := r.PathValue("name")
	err := a.cfg.Projections.Rebuild(r.Context(), name)
	switch {
	case errors.Is(err, projector.ErrUnknownProjection):
		return domain.Missing(codeUnknownProjection, "no projection named %q", name)
	case errors.Is(err, projector.ErrNotRunning), errors.Is(err, projector.ErrClosed):
		return domain.Reject(codeProjectionsStopped, "the projections are not running")
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusAccepted, struct {
		Projection string `json:"projection"`
		Status     string `json:"status"`
	}{name, "rebuilding"})
	return nil
}

func (a *api) getMetrics(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	a.cfg.Metrics.ServeHTTP(w, r)
	return nil
}
