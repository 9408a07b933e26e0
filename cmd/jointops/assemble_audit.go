package main

import (
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/httpapi"
)

// auditLog is what the HTTP API reads audit trails with: the log's reader
// and the codec of its events.
type auditLog struct {
	eventstore.Reader
	*eventlog.Codec
}

var _ httpapi.AuditLog = auditLog{}
