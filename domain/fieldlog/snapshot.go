package fieldlog

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
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
//
// The form is that of the log before its entries were held as plain
// values: a snapshot written by either reads in the other. One written
// before may list a marking more than once (the log then kept a marking
// again whenever it differed from the previous report's); restoring it
// keeps each once.
type snapshotState struct {
	Operation domain.OperationID `json:"operation"`
	Unit      domain.UnitID      `json:"unit"`
	Types     []string           `json:"types,omitempty"`
	Markings  []marking.Marking  `json:"markings,omitempty"`
	// The entries, as columns of one value per entry (the []byte columns
	// are base64 in JSON).
	EntryIDs      []byte `json:"entry_ids,omitempty"`      // 16 bytes each
	EntryTypes    []byte `json:"entry_types,omitempty"`    // index into Types
	EntryMarkings []byte `json:"entry_markings,omitempty"` // uvarint of the index into Markings plus 1; 0 for none
	EntryFlags    []byte `json:"entry_flags,omitempty"`    // the entryFlags
	// EntryKeys are the keys of the entries that have one, in the order of
	// the log's key table: restoring them in this order rebuilds the table
	// as it was (a reader before that order was kept took them in any).
	EntryKeys     []entryKey          `json:"entry_keys,omitempty"`
	Activities    []activityState     `json:"activities,omitempty"`
	Notifications []notificationState `json:"notifications,omitempty"`
	Custody       []custodyState      `json:"custody,omitempty"`
	CustodyIDs    []string            `json:"custody_ids,omitempty"`
}

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
	s := snapshotState{Operation: l.operation, Unit: l.unit, Markings: l.markings.all}
	s.putEntries(l.entries, l.keys.all)
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

// putEntries writes the entries into the columns of s; keys is the log's
// key table.
func (s *snapshotState) putEntries(entries map[domain.ReportID]entry, keys []string) {
	ids := make([]domain.ReportID, 0, len(entries))
	for id := range entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b domain.ReportID) int {
		ua, ub := a.UUID(), b.UUID()
		return bytes.Compare(ua[:], ub[:]) // as ReportID.Compare, faster
	})
	var types [kinds]int // index into s.Types plus one, by kind
	var keyed []keyedEntry
	n := len(ids)
	s.EntryIDs = make([]byte, 0, 16*n)
	s.EntryTypes = make([]byte, 0, n)
	s.EntryMarkings = make([]byte, 0, n)
	s.EntryFlags = make([]byte, 0, n)
	for i, id := range ids {
		e := entries[id]
		if types[e.kind] == 0 {
			s.Types = append(s.Types, e.kind.String())
			types[e.kind] = len(s.Types)
		}
		u := id.UUID()
		s.EntryIDs = append(s.EntryIDs, u[:]...)
		s.EntryTypes = append(s.EntryTypes, byte(types[e.kind]-1))
		s.EntryMarkings = binary.AppendUvarint(s.EntryMarkings, uint64(e.marking+1))
		s.EntryFlags = append(s.EntryFlags, byte(e.flags))
		if e.key != 0 {
			keyed = append(keyed, keyedEntry{key: e.key, entry: i})
		}
	}
	slices.SortStableFunc(keyed, func(a, b keyedEntry) int { return cmp.Compare(a.key, b.key) })
	s.EntryKeys = make([]entryKey, len(keyed))
	for i, k := range keyed {
		s.EntryKeys[i] = entryKey{Entry: k.entry, Key: keys[k.key]}
	}
}

// keyedEntry is an entry of a snapshot with a key: its index in the
// entry columns and its key's in the key table.
type keyedEntry struct {
	key   int32
	entry int
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
	markings, keys := newMarkingTable(), newKeyTable()
	entries, err := s.entries(&markings, &keys)
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
	l.entries, l.markings, l.keys = entries, markings, keys
	for _, a := range s.Activities {
		l.activities[a.ID] = activity{kind: a.Kind, open: a.Open}
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

// entries reads the entry columns back into markings and keys, fresh
// tables, refusing columns of unequal length, indexes out of range (a
// decision would index the tables with them) and event types this build
// does not know.
func (s *snapshotState) entries(markings *markingTable, keys *keyTable) (map[domain.ReportID]entry, error) {
	if len(s.EntryIDs)%16 != 0 {
		return nil, fmt.Errorf("entry IDs of %d bytes, not a multiple of 16", len(s.EntryIDs))
	}
	n := len(s.EntryIDs) / 16
	if len(s.EntryTypes) != n || len(s.EntryFlags) != n {
		return nil, fmt.Errorf("%d entry IDs, %d types and %d flags", n, len(s.EntryTypes), len(s.EntryFlags))
	}
	kinds := make([]eventKind, len(s.Types))
	for i, t := range s.Types {
		k, ok := kindOf(t)
		if !ok {
			return nil, fmt.Errorf("entries of type %q, not an event of the field log", t)
		}
		kinds[i] = k
	}
	// A marking listed twice (by a build that kept duplicates) is kept once.
	markingAt := make([]int32, len(s.Markings)) // index in markings by index in s.Markings
	for i, m := range s.Markings {
		markingAt[i] = markings.add(m)
	}
	all := make([]entry, n)
	ids := make([]domain.ReportID, n)
	rest := s.EntryMarkings
	for i := range n {
		id, err := domain.NewReportID(uuid.UUID(s.EntryIDs[16*i : 16*i+16]))
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		t := int(s.EntryTypes[i])
		if t >= len(kinds) {
			return nil, fmt.Errorf("entry %s: type %d of %d", id, t, len(kinds))
		}
		m, size := binary.Uvarint(rest)
		if size <= 0 || m > uint64(len(markingAt)) {
			return nil, fmt.Errorf("entry %s: marking out of range", id)
		}
		rest = rest[size:]
		ids[i] = id
		all[i] = entry{kind: kinds[t], marking: -1, flags: entryFlags(s.EntryFlags[i]) & allFlags}
		if m > 0 {
			all[i].marking = markingAt[m-1]
		}
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes of entry markings left over", len(rest))
	}
	for _, k := range s.EntryKeys {
		if k.Entry < 0 || k.Entry >= n {
			return nil, fmt.Errorf("key of entry %d of %d", k.Entry, n)
		}
		all[k.Entry].key = keys.add(k.Key)
	}
	entries := make(map[domain.ReportID]entry, n)
	for i, id := range ids {
		entries[id] = all[i]
	}
	if len(entries) != n {
		return nil, fmt.Errorf("%d entries under %d distinct IDs", n, len(entries))
	}
	return entries, nil
}
