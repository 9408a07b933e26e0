package catalog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/domain/audit"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/domain/task"
)

// RegisterEvents announces every event type of every aggregate to r, each
// with its schema version and a constructor of its payload.
func RegisterEvents(r domain.Registry) {
	state.RegisterEvents(r)
	agency.RegisterEvents(r)
	operation.RegisterEvents(r)
	task.RegisterEvents(r)
	fieldlog.RegisterEvents(r)
	agreement.RegisterEvents(r)
	compliance.RegisterEvents(r)
	audit.RegisterEvents(r)
}
