package eventlog

import (
	"encoding/json"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// decodePayload returns the payload of a stored event of a registered type
// and version. Decoding payloads is most of the cost of rebuilding a
// projection from the log, and encoding/json spends it on reflection, on
// scanning every byte twice and, for the values that validate themselves
// (markings, points), on a nested json.Unmarshal each. So the hot types —
// the field reports of every unit, a task's acknowledgement, a resource's
// status — are parsed by hand when they have the exact shape Encode
// writes, and everything else by encoding/json. Both give the same payload
// for any input the fast path accepts, and the fast path accepts nothing
// encoding/json refuses: where in doubt it declines, so every error comes
// from encoding/json.
func decodePayload(reg registration, eventType string, version uint32, data []byte) (domain.Payload, error) {
	if p, ok := scanPayload(eventType, version, data); ok {
		return p, nil
	}
	p := reg.newPayload()
	if err := json.Unmarshal(data, p); err != nil {
		return nil, err
	}
	return p, nil
}

// scanPayload parses the payloads the fast path knows, in the shape Encode
// writes for the schema version each scanner was written for; ok is false
// for any other type, version or shape.
func scanPayload(eventType string, version uint32, data []byte) (p domain.Payload, ok bool) {
	switch eventType {
	case fieldlog.PositionReportedType:
		return scan(version, 1, data, scanPositionReported)
	case fieldlog.ObservationReportedType:
		return scan(version, 1, data, scanObservationReported)
	case fieldlog.SituationReportedType:
		return scan(version, 1, data, scanSituationReported)
	case task.AcknowledgedType:
		return scan(version, 1, data, scanTaskAcknowledged)
	case operation.ResourceStatusChangedType:
		return scan(version, 1, data, scanResourceStatusChanged)
	}
	return nil, false
}

// scan runs a payload scanner written for schema version wrote on data of
// version version.
func scan[T any, P interface {
	*T
	domain.Payload
}](version, wrote uint32, data []byte, scanner func(*cursor, *T)) (domain.Payload, bool) {
	if version != wrote {
		return nil, false
	}
	c := cursor{b: data, ok: true}
	p := P(new(T))
	scanner(&c, p)
	if !c.ok || c.i != len(data) {
		return nil, false
	}
	return p, true
}

func scanTaskAcknowledged(c *cursor, e *task.Acknowledged) {
	c.lit(`{"task_id":`)
	id(c, &e.TaskID, domain.NewTaskID)
	c.lit(`,"unit_id":`)
	id(c, &e.UnitID, domain.NewUnitID)
	c.lit(`,"revision":`)
	c.integer(&e.Revision)
	c.lit(`}`)
}

func scanResourceStatusChanged(c *cursor, e *operation.ResourceStatusChanged) {
	c.lit(`{"operation_id":`)
	id(c, &e.OperationID, domain.NewOperationID)
	c.lit(`,"unit_id":`)
	id(c, &e.UnitID, domain.NewUnitID)
	c.lit(`,"status":`)
	c.resourceStatus(&e.Status)
	if c.opt(`,"reason":`) {
		c.string(&e.Reason)
	}
	c.lit(`}`)
}

// resourceStatus consumes a status, sharing the constants' strings.
func (c *cursor) resourceStatus(s *operation.ResourceStatus) {
	b := c.utf8()
	if !c.ok {
		return
	}
	for _, known := range []operation.ResourceStatus{operation.StatusAvailable, operation.StatusAssigned, operation.StatusOutOfService} {
		if string(b) == string(known) {
			*s = known
			return
		}
	}
	*s = operation.ResourceStatus(b)
}
