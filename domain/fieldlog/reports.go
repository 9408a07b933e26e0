package fieldlog

import "github.com/jointops/jointops/domain"

// ReportPosition records where the unit is.
func (l *Log) ReportPosition(m domain.Meta, e Entry, b Position) error {
	return record(l, m, e, b, nil, func(h Header, b Position) Report { return &PositionReported{h, b} })
}

// ReportBorderCrossing records crossing a border, possibly during one of
// the unit's surveillances or pursuits.
func (l *Log) ReportBorderCrossing(m domain.Meta, e Entry, b BorderCrossing) error {
	rule := func(b BorderCrossing) error { return l.checkOptionalActivity(b.Activity) }
	return record(l, m, e, b, rule, func(h Header, b BorderCrossing) Report { return &BorderCrossed{h, b} })
}

// NotifyHost records notifying a host authority.
func (l *Log) NotifyHost(m domain.Meta, e Entry, b HostNotification) error {
	rule := func(b HostNotification) error {
		if _, ok := l.notifications[b.Notification]; ok {
			return domain.Reject(CodeNotificationExists, "notification %s is already in the log", b.Notification)
		}
		return l.checkOptionalActivity(b.Activity)
	}
	return record(l, m, e, b, rule, func(h Header, b HostNotification) Report { return &HostNotified{h, b} })
}

// AcknowledgeHostNotification records the host authority's answer to a
// notification of this log.
func (l *Log) AcknowledgeHostNotification(m domain.Meta, e Entry, b HostAcknowledgement) error {
	rule := func(b HostAcknowledgement) error {
		acked, ok := l.notifications[b.Notification]
		switch {
		case !ok:
			return domain.Missing(CodeNotificationUnknown, "no notification %s in the log", b.Notification)
		case acked:
			return domain.Reject(CodeNotificationAcked, "notification %s was already acknowledged", b.Notification)
		}
		return nil
	}
	return record(l, m, e, b, rule, func(h Header, b HostAcknowledgement) Report {
		return &HostNotificationAcknowledged{h, b}
	})
}

// StartSurveillance records the start of a surveillance under a new
// activity ID.
func (l *Log) StartSurveillance(m domain.Meta, e Entry, b SurveillanceStart) error {
	rule := func(b SurveillanceStart) error { return l.checkNewActivity(b.Activity) }
	return record(l, m, e, b, rule, func(h Header, b SurveillanceStart) Report { return &SurveillanceStarted{h, b} })
}

// HandOverSurveillance records handing a running surveillance over; it ends
// this unit's part.
func (l *Log) HandOverSurveillance(m domain.Meta, e Entry, b SurveillanceHandover) error {
	rule := func(b SurveillanceHandover) error { return l.checkOpenActivity(b.Activity, surveillance) }
	return record(l, m, e, b, rule, func(h Header, b SurveillanceHandover) Report { return &SurveillanceHandedOver{h, b} })
}

// EndSurveillance records the end of a running surveillance.
func (l *Log) EndSurveillance(m domain.Meta, e Entry, b SurveillanceEnd) error {
	rule := func(b SurveillanceEnd) error { return l.checkOpenActivity(b.Activity, surveillance) }
	return record(l, m, e, b, rule, func(h Header, b SurveillanceEnd) Report { return &SurveillanceEnded{h, b} })
}

// StartPursuit records the start of a hot pursuit under a new activity ID.
func (l *Log) StartPursuit(m domain.Meta, e Entry, b PursuitStart) error {
	rule := func(b PursuitStart) error { return l.checkNewActivity(b.Activity) }
	return record(l, m, e, b, rule, func(h Header, b PursuitStart) Report { return &PursuitStarted{h, b} })
}

// CeasePursuit records the end of a running pursuit.
func (l *Log) CeasePursuit(m domain.Meta, e Entry, b PursuitCease) error {
	rule := func(b PursuitCease) error { return l.checkOpenActivity(b.Activity, pursuit) }
	return record(l, m, e, b, rule, func(h Header, b PursuitCease) Report { return &PursuitCeased{h, b} })
}

// ReportApprehension records apprehending a person not already in the
// unit's custody.
func (l *Log) ReportApprehension(m domain.Meta, e Entry, b Apprehension) error {
	rule := func(b Apprehension) error {
		if l.custody[b.Subject] {
			return domain.Reject(CodeSubjectInCustody, "subject %s is already in the unit's custody", b.Subject)
		}
		return l.checkOptionalActivity(b.Activity)
	}
	return record(l, m, e, b, rule, func(h Header, b Apprehension) Report { return &PersonApprehended{h, b} })
}

// ReportPersonHandover records handing over a person in the unit's
// custody.
func (l *Log) ReportPersonHandover(m domain.Meta, e Entry, b PersonHandover) error {
	rule := func(b PersonHandover) error {
		if !l.custody[b.Subject] {
			return domain.Reject(CodeSubjectNotInCustody, "subject %s is not in the unit's custody", b.Subject)
		}
		return nil
	}
	return record(l, m, e, b, rule, func(h Header, b PersonHandover) Report { return &PersonHandedOver{h, b} })
}

// ReportSeizure records an item seized under a custody ID not used before
// in the log.
func (l *Log) ReportSeizure(m domain.Meta, e Entry, b Seizure) error {
	rule := func(b Seizure) error {
		if l.custodyIDs[b.CustodyID] {
			return domain.Reject(CodeCustodyIDReused, "custody ID %q is already in the log", b.CustodyID)
		}
		return nil
	}
	return record(l, m, e, b, rule, func(h Header, b Seizure) Report { return &ItemSeized{h, b} })
}

// ReportUseOfForce records force used by the unit.
func (l *Log) ReportUseOfForce(m domain.Meta, e Entry, b UseOfForce) error {
	return record(l, m, e, b, nil, func(h Header, b UseOfForce) Report { return &ForceUsed{h, b} })
}

// ReportObservation records an observation or sighting.
func (l *Log) ReportObservation(m domain.Meta, e Entry, b Observation) error {
	return record(l, m, e, b, nil, func(h Header, b Observation) Report { return &ObservationReported{h, b} })
}

// ReportSituation records a situation report.
func (l *Log) ReportSituation(m domain.Meta, e Entry, b Situation) error {
	return record(l, m, e, b, nil, func(h Header, b Situation) Report { return &SituationReported{h, b} })
}

// ReportPostAction records a post-action report covering activities of
// this log.
func (l *Log) ReportPostAction(m domain.Meta, e Entry, b PostAction) error {
	rule := func(b PostAction) error {
		for _, a := range b.Activities {
			if err := l.checkOptionalActivity(a); err != nil {
				return err
			}
		}
		return nil
	}
	return record(l, m, e, b, rule, func(h Header, b PostAction) Report { return &PostActionReported{h, b} })
}

func (l *Log) checkNewActivity(id domain.ActivityID) error {
	if a, ok := l.activities[id]; ok {
		return domain.Reject(CodeActivityExists, "activity %s is already a %s of this log", id, a.kind)
	}
	return nil
}

func (l *Log) checkOpenActivity(id domain.ActivityID, kind activityKind) error {
	a, ok := l.activities[id]
	switch {
	case !ok || a.kind != kind:
		return domain.Missing(CodeActivityUnknown, "no %s %s in the log of unit %s", kind, id, l.unit)
	case !a.open:
		return domain.Reject(CodeActivityEnded, "%s %s has already ended", kind, id)
	}
	return nil
}

func (l *Log) checkOptionalActivity(id domain.ActivityID) error {
	if _, ok := l.activities[id]; !id.IsZero() && !ok {
		return domain.Missing(CodeActivityUnknown, "no surveillance or pursuit %s in the log of unit %s", id, l.unit)
	}
	return nil
}
