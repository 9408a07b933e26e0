package fieldlog

import (
	"fmt"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// entry is what the log remembers of each report, retraction, relaxation
// and judicial-use permission: enough to check references, not the
// content. It holds no pointer — its event type, marking and correction
// key are indexes into tables of the log — so that the map of a busy
// unit's entries, the bulk of a loaded log, is one block of plain values
// the garbage collector never scans.
type entry struct {
	marking int32 // index into Log.markings; -1 for retractions, relaxations and permissions
	key     int32 // index into Log.keys; 0 for the reports that have none
	kind    eventKind
	flags   entryFlags
}

func (e entry) isReport() bool { return e.marking >= 0 }

func (e entry) has(f entryFlags) bool { return e.flags&f != 0 }

// entryFlags says what happened to a report since. The snapshot's
// EntryFlags column holds these bits as they are, so their values are
// fixed forever.
type entryFlags uint8

// Flags of an entry. flagJudicial was added without bumping
// snapshotFormat: a snapshot written before it existed cannot hold a
// judicial-use permission, so it reads the same either way.
const (
	flagSuperseded entryFlags = 1 << iota // corrected by a later report
	flagRetracted                         // retracted
	flagJudicial                          // judicial use permitted (JudicialUsePermitted)

	allFlags = flagSuperseded | flagRetracted | flagJudicial
)

// eventKind names the event type of an entry: every event type of the
// package has one. Snapshots name types by their string, so the numbers
// are free to change; the most frequent types come first, for kindOf.
type eventKind uint8

// The kinds of entries.
const (
	kindPositionReported eventKind = iota
	kindObservationReported
	kindSituationReported
	kindBorderCrossed
	kindHostNotified
	kindHostNotificationAcknowledged
	kindSurveillanceStarted
	kindSurveillanceHandedOver
	kindSurveillanceEnded
	kindPursuitStarted
	kindPursuitCeased
	kindPersonApprehended
	kindPersonHandedOver
	kindItemSeized
	kindForceUsed
	kindPostActionReported
	kindReportRetracted
	kindMarkingRelaxed
	kindJudicialUsePermitted

	kinds // the number of kinds
)

// String returns the event type of k.
func (k eventKind) String() string {
	switch k {
	case kindPositionReported:
		return PositionReportedType
	case kindObservationReported:
		return ObservationReportedType
	case kindSituationReported:
		return SituationReportedType
	case kindBorderCrossed:
		return BorderCrossedType
	case kindHostNotified:
		return HostNotifiedType
	case kindHostNotificationAcknowledged:
		return HostNotificationAcknowledgedType
	case kindSurveillanceStarted:
		return SurveillanceStartedType
	case kindSurveillanceHandedOver:
		return SurveillanceHandedOverType
	case kindSurveillanceEnded:
		return SurveillanceEndedType
	case kindPursuitStarted:
		return PursuitStartedType
	case kindPursuitCeased:
		return PursuitCeasedType
	case kindPersonApprehended:
		return PersonApprehendedType
	case kindPersonHandedOver:
		return PersonHandedOverType
	case kindItemSeized:
		return ItemSeizedType
	case kindForceUsed:
		return ForceUsedType
	case kindPostActionReported:
		return PostActionReportedType
	case kindReportRetracted:
		return ReportRetractedType
	case kindMarkingRelaxed:
		return MarkingRelaxedType
	case kindJudicialUsePermitted:
		return JudicialUsePermittedType
	}
	return fmt.Sprintf("eventKind(%d)", uint8(k))
}

// kindOf returns the kind of an event type; ok is false for a type that is
// not one of the package's.
func kindOf(eventType string) (eventKind, bool) {
	for k := range kinds {
		if k.String() == eventType {
			return k, true
		}
	}
	return 0, false
}

// kindOfPayload returns the kind of p, one of this package's events.
func kindOfPayload(p domain.Payload) eventKind {
	k, ok := kindOf(p.EventType())
	if !ok {
		// An event type added to the package but not to the kinds: a
		// defect TestEveryEventTypeIsKept catches.
		panic(fmt.Sprintf("fieldlog: event type %q has no eventKind", p.EventType()))
	}
	return k
}

// keyTable holds the distinct correction keys of a log (the activities,
// subjects, notifications and custody IDs its reports are about), each
// once: many reports share one, and an entry names its key by index.
type keyTable struct {
	all   []string         // all[0] is "", the key of the reports that have none
	index map[string]int32 // the index of each key in all
}

func newKeyTable() keyTable { return keyTable{all: []string{""}, index: map[string]int32{"": 0}} }

// add returns the index of key, adding it if it is new.
func (t *keyTable) add(key string) int32 {
	if i, ok := t.index[key]; ok {
		return i
	}
	i := int32(len(t.all))
	t.all = append(t.all, key)
	t.index[key] = i
	return i
}

// find returns the index of key; ok is false when no entry has it.
func (t *keyTable) find(key string) (i int32, ok bool) {
	i, ok = t.index[key]
	return i, ok
}

// markingTable holds the distinct markings of a log, each once: reports of
// one unit share a handful of markings, often alternating between them,
// and an entry names its marking by index.
type markingTable struct {
	all []marking.Marking
	// byKey indexes all by everything but the recipient lists; the few
	// markings under one key are told apart by Equal.
	byKey map[markingKey][]int32
}

// markingKey is what a marking is looked up by: comparable, and built
// without allocating.
type markingKey struct {
	originator domain.AgencyID
	tlp        marking.TLP
	evaluation marking.Evaluation
	handling   uint8 // bit c-H0 set for each handling code c, H0 … H3
	h3Text     string
}

func keyOfMarking(m marking.Marking) markingKey {
	k := markingKey{originator: m.Originator(), tlp: m.TLP(), evaluation: m.Evaluation(), h3Text: m.H3Text()}
	for c := marking.H0; c <= marking.H3; c++ {
		if m.Has(c) {
			k.handling |= 1 << (c - marking.H0)
		}
	}
	return k
}

func newMarkingTable() markingTable { return markingTable{byKey: map[markingKey][]int32{}} }

// add returns the index of m, adding it if no marking of the table equals
// it.
func (t *markingTable) add(m marking.Marking) int32 {
	k := keyOfMarking(m)
	for _, i := range t.byKey[k] {
		if t.all[i].Equal(m) {
			return i
		}
	}
	i := int32(len(t.all))
	t.all = append(t.all, m)
	t.byKey[k] = append(t.byKey[k], i)
	return i
}
