package fieldlog

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// Snapshot format of the field log. Bump snapshotFormat whenever
// snapshotState changes shape or meaning: a snapshot of another format is
// ignored and the stream folded from its start.
const (
	snapshotKind   = "fieldlog"
	snapshotFormat = 1
)

var _ domain.Snapshotter = (*Log)(nil)

// snapshotState is the whole state of a field log. It grows with the log,
// a few dozen bytes per report, so its entries are kept in compact columns
// rather than as objects: restoring 10,000 entries must cost much less
// than folding 10,000 events. An entry names its event type by its index
// in Types and its marking by its index in Markings. Entries are sorted by
// report ID and the other lists by ID, so that equal states encode to
// equal bytes.
type snapshotState struct {
	Operation domain.OperationID `json:"operation"`
	Unit      domain.UnitID      `json:"unit"`
	Types     []string           `json:"types,omitempty"`
	Markings  []marking.Marking  `json:"markings,omitempty"`
	// The entries, as columns of one value per entry (the []byte columns
	// are base64 in JSON).
	EntryIDs      []byte              `json:"entry_ids,omitempty"`      // 16 bytes each
	EntryTypes    []byte              `json:"entry_types,omitempty"`    // index into Types
	EntryMarkings []byte              `json:"entry_markings,omitempty"` // uvarint of the index into Markings plus 1; 0 for none
	EntryFlags    []byte              `json:"entry_flags,omitempty"`    // flagSuperseded | flagRetracted | flagJudicial
	EntryKeys     []entryKey          `json:"entry_keys,omitempty"`     // the entries with a key
	Activities    []activityState     `json:"activities,omitempty"`
	Notifications []notificationState `json:"notifications,omitempty"`
	Custody       []custodyState      `json:"custody,omitempty"`
	CustodyIDs    []string            `json:"custody_ids,omitempty"`
}

// Flags of an entry in snapshotState.EntryFlags. flagJudicial was added
// without bumping snapshotFormat: a snapshot written before it existed
// cannot hold a judicial-use permission, so it reads the same either way.
const (
	flagSuperseded = 1 << iota
	flagRetracted
	flagJudicial
)

// entryKey is the key of the entry at index Entry.
type entryKey struct {
	Entry int    `json:"entry"`
	Key   string `json:"key"`
}

type activityState struct {
	ID   domain.ActivityID `json:"id"`
	Kind activityKind      `json:"kind"`
	Open bool              `json:"open,omitempty"`
}

type notificationState struct {
	ID           domain.NotificationID `json:"id"`
	Acknowledged bool                  `json:"acknowledged,omitempty"`
}

type custodyState struct {
	Subject   domain.SubjectID `json:"subject"`
	InCustody bool             `json:"in_custody,omitempty"`
}

// Snapshot implements domain.Snapshotter.
func (l *Log) Snapshot() ([]byte, error) {
	if err := l.root.CheckSnapshot(); err != nil {
		return nil, err
	}
	s := snapshotState{Operation: l.operation, Unit: l.unit, Markings: l.markings}
	if err := s.putEntries(l.entries); err != nil {
		return nil, err
	}
	for id, a := range l.activities {
		s.Activities = append(s.Activities, activityState{ID: id, Kind: a.kind, Open: a.open})
	}
	slices.SortFunc(s.Activities, func(a, b activityState) int { return a.ID.Compare(b.ID) })
	for id, acked := range l.notifications {
		s.Notifications = append(s.Notifications, notificationState{ID: id, Acknowledged: acked})
	}
	slices.SortFunc(s.Notifications, func(a, b notificationState) int { return a.ID.Compare(b.ID) })
	for id, held := range l.custody {
		s.Custody = append(s.Custody, custodyState{Subject: id, InCustody: held})
	}
	slices.SortFunc(s.Custody, func(a, b custodyState) int { return a.Subject.Compare(b.Subject) })
	for id := range l.custodyIDs {
		s.CustodyIDs = append(s.CustodyIDs, id)
	}
	slices.Sort(s.CustodyIDs)
	return domain.EncodeSnapshot(snapshotKind, snapshotFormat, s)
}

// putEntries writes the entries into the columns of s.
func (s *snapshotState) putEntries(entries map[domain.ReportID]*entry) error {
	ids := make([]domain.ReportID, 0, len(entries))
	for id := range entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b domain.ReportID) int {
		ua, ub := a.UUID(), b.UUID()
		return bytes.Compare(ua[:], ub[:]) // as ReportID.Compare, faster
	})
	types := map[string]int{}
	n := len(ids)
	s.EntryIDs = make([]byte, 0, 16*n)
	s.EntryTypes = make([]byte, 0, n)
	s.EntryMarkings = make([]byte, 0, n)
	s.EntryFlags = make([]byte, 0, n)
	for i, id := range ids {
		e := entries[id]
		t, ok := types[e.eventType]
		if !ok {
			t = len(s.Types)
			if t > math.MaxUint8 {
				return fmt.Errorf("snapshot of field log: more than %d event types", math.MaxUint8+1)
			}
			types[e.eventType] = t
			s.Types = append(s.Types, e.eventType)
		}
		u := id.UUID()
		s.EntryIDs = append(s.EntryIDs, u[:]...)
		s.EntryTypes = append(s.EntryTypes, byte(t))
		s.EntryMarkings = binary.AppendUvarint(s.EntryMarkings, uint64(e.marking+1))
		var f byte
		if e.superseded {
			f |= flagSuperseded
		}
		if e.retracted {
			f |= flagRetracted
		}
		if e.judicial {
			f |= flagJudicial
		}
		s.EntryFlags = append(s.EntryFlags, f)
		if e.key != "" {
			s.EntryKeys = append(s.EntryKeys, entryKey{Entry: i, Key: e.key})
		}
	}
	return nil
}

// RestoreSnapshot implements domain.Snapshotter.
func (l *Log) RestoreSnapshot(version uint64, b []byte) error {
	var s snapshotState
	if err := domain.DecodeSnapshot(b, snapshotKind, snapshotFormat, &s); err != nil {
		return err
	}
	if s.Operation != l.operation || s.Unit != l.unit {
		return fmt.Errorf("%w: a snapshot of the log of unit %s in operation %s, not of unit %s in %s",
			domain.ErrSnapshotUnusable, s.Unit, s.Operation, l.unit, l.operation)
	}
	entries, err := s.entries()
	if err != nil {
		return fmt.Errorf("%w: field log snapshot: %w", domain.ErrSnapshotUnusable, err)
	}
	for _, a := range s.Activities {
		if a.Kind != surveillance && a.Kind != pursuit {
			return fmt.Errorf("%w: field log snapshot: activity %s of kind %d", domain.ErrSnapshotUnusable, a.ID, a.Kind)
		}
	}
	if err := l.root.Restored(version); err != nil {
		return err
	}
	l.markings, l.entries = s.Markings, entries
	for _, a := range s.Activities {
		l.activities[a.ID] = &activity{kind: a.Kind, open: a.Open}
	}
	for _, n := range s.Notifications {
		l.notifications[n.ID] = n.Acknowledged
	}
	for _, c := range s.Custody {
		l.custody[c.Subject] = c.InCustody
	}
	for _, id := range s.CustodyIDs {
		l.custodyIDs[id] = true
	}
	return nil
}

// entries reads the entry columns back, refusing columns of unequal length
// and indexes out of range: a decision would index the tables with them.
func (s *snapshotState) entries() (map[domain.ReportID]*entry, error) {
	if len(s.EntryIDs)%16 != 0 {
		return nil, fmt.Errorf("entry IDs of %d bytes, not a multiple of 16", len(s.EntryIDs))
	}
	n := len(s.EntryIDs) / 16
	if len(s.EntryTypes) != n || len(s.EntryFlags) != n {
		return nil, fmt.Errorf("%d entry IDs, %d types and %d flags", n, len(s.EntryTypes), len(s.EntryFlags))
	}
	all := make([]entry, n) // one allocation for all entries
	ids := make([]domain.ReportID, n)
	markings := s.EntryMarkings
	for i := range n {
		id, err := domain.NewReportID(uuid.UUID(s.EntryIDs[16*i : 16*i+16]))
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		t := int(s.EntryTypes[i])
		if t >= len(s.Types) {
			return nil, fmt.Errorf("entry %s: type %d of %d", id, t, len(s.Types))
		}
		m, size := binary.Uvarint(markings)
		if size <= 0 || m > uint64(len(s.Markings)) {
			return nil, fmt.Errorf("entry %s: marking out of range", id)
		}
		markings = markings[size:]
		f := s.EntryFlags[i]
		ids[i] = id
		all[i] = entry{eventType: s.Types[t], marking: int(m) - 1, superseded: f&flagSuperseded != 0, retracted: f&flagRetracted != 0,
			judicial: f&flagJudicial != 0}
	}
	if len(markings) > 0 {
		return nil, fmt.Errorf("%d bytes of entry markings left over", len(markings))
	}
	for _, k := range s.EntryKeys {
		if k.Entry < 0 || k.Entry >= n {
			return nil, fmt.Errorf("key of entry %d of %d", k.Entry, n)
		}
		all[k.Entry].key = k.Key
	}
	entries := make(map[domain.ReportID]*entry, n)
	for i, id := range ids {
		entries[id] = &all[i]
	}
	if len(entries) != n {
		return nil, fmt.Errorf("%d entries under %d distinct IDs", n, len(entries))
	}
	return entries, nil
}
