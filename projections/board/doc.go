// Package board is the situation board of one joint operation: a pure fold
// of the operation's stream, its tasks' streams and its units' field logs
// into what a command center watches — status, participants and their
// agreement, host states, legal basis, area, period, operational periods
// with objectives, the org chart and unified command with the holders of
// each position, resources with status and assignment, each unit's track of
// recent positions, open tasks with their acknowledgement, every field
// report with its marking, a significant-events log, and the compliance
// flags with the agencies' answers (the operation's compliance stream).
//
// # Per-agency views
//
// What an agency sees is decided here, never in the client. Board.View
// builds the snapshot one agency may see; Board.Apply returns, for each
// event, a Delta whose Changes each carry the Audience that may see them,
// and Delta.For gives the delta as one agency sees it (nil when it sees
// nothing), so a hub encodes each delta once per agency view. The rules:
//
//   - A non-participant sees nothing at all: the board is the
//     participants' tool, so its View is empty and no Change includes it,
//     even for a CLEAR report or a RED one naming it (those reach it by
//     other channels, not by this board).
//   - Items without a marking — the operation's planning, the command
//     structure, resources, tasks, and the significant events they cause —
//     are visible to every participating agency.
//   - A report (and its place in a track and in the significant-events
//     log) is visible to a participant that marking.MayView allows under
//     the marking in force, with the participants in force. A relaxation
//     applies from its position on: it adds the report for the newly
//     entitled agencies and changes nothing new for anyone else.
//   - A correction is shown to an agency only if it may see both the
//     correction and every report it corrects, so its reference to the
//     original reveals nothing; the original is marked corrected only for
//     those agencies. A report corrected again (the field log refuses it;
//     a board fed one anyway) keeps its first correction as corrected_by:
//     a later one is shown under the same rule but changes nothing of the
//     original, so no agency loses what it saw to a correction it may not
//     see. A retraction has no marking of its own: it is shown
//     to exactly those who may see the retracted report.
//   - A compliance flag is shown to an agency that may see every report in
//     its evidence (each report's marking list in force, relaxations and
//     corrections included, as for the reports themselves), and always to
//     the agency whose unit acted; one resting on no report (only other
//     events) to every participant; one whose field-log evidence names no
//     report, or a report the board does not know, fails closed (the
//     acting agency only). Its evidence shows reports by ID, never their
//     stream revisions, which would count a unit's reports. A host's stop
//     request goes to the significant-events log, for every participant.
//   - Nothing reveals an invisible item: no ID, no count, no gap. Windows
//     (a track's last positions, the reports, the significant-events log)
//     are the last N items the agency may see, never the visible part of a
//     shared window.
//
// # Windows and what the board keeps
//
// A view shows, of each bounded collection, the latest N items the agency
// may see (Limits: TrackLength positions of each unit's track,
// ReportLength reports, SignificantLength entries of the log). The board
// keeps, per audience — each marking list, and every participant — only
// the latest N items of that audience: whoever may see one item of a
// marking list may see all its later ones, so an item that N later items
// of its list pushed out is out of every window it was in, and the board
// drops it (a report's body, an entry, a point) for good; no delta says
// so, each client's own trim drops it the same. A relaxation moves an
// item still kept to the window of its new list, where it may fall out at
// once; an item already dropped stays out, even for the agencies the
// relaxation entitles (it is in no one's window; history still has it).
// What the board keeps is therefore bounded by marking lists × N (units
// × lists × TrackLength for tracks), however long the operation runs.
//
// Of every report it folded — positions and others, corrections included,
// kept or dropped — the board keeps one pointer-free index entry, its
// marking list in force and, for a position, its unit's track, and the
// links of the rare reports that correct or are corrected. That is what
// corrections, retractions, relaxations, compliance flags and
// MayViewReport need of any report, however old, so they decide exactly
// as if every report were kept. An entry is 24 bytes of key and value, 30
// to 50 bytes of heap with the map's slack, which the collector never
// scans: a busy board holds about 46 bytes of live heap per event folded,
// mostly this index, whatever its mix of reports (BenchmarkBoardLiveHeap).
// Tasks and flags are kept whole (both are rare).
//
// # Views, deltas and time
//
// For every agency and every prefix of the log, applying the agency's
// deltas in order (View.Apply) to its view of the empty board gives
// Board.View of the board folded from that prefix. Derived fields — the
// current operational period, the holder of each position, a track's last
// known position — are computed from the view's own clock, AsOf: the server
// time of the latest event that changed what the agency sees. An agency's
// view therefore never moves because of an event it may not see.
//
// Board.Fold folds without building deltas, for rebuilds and time travel
// (fold a fresh board up to any position, then take View for any agency).
//
// # Snapshots
//
// Board.MarshalBinary writes the board's whole state, config included, and
// Restore reads it back: the restored board shows every agency the same
// View, and returns the same Deltas for every following event, as the
// board the snapshot was taken of. A runner saves it with the log position
// of the board (Board.Position) and, on restart, restores it and folds only
// the events after that position, instead of the whole log. MarshalBinary
// only reads the board: it may run beside View, never beside Apply or
// Fold.
//
// A snapshot is binary — varints, raw UUIDs, the interned marking lists
// and audiences by index, report bodies as their JSON — checksummed
// (CRC-32C), and starts with its format version. A version this build does
// not read is an error wrapping projections.ErrSnapshotVersion: rebuild the
// board from the log. Anything else wrong (truncated, damaged, of another
// read model, inconsistent) wraps projections.ErrSnapshotCorrupt: Restore
// checks every index and link the board relies on, so it never panics and
// never returns a board that could. Most of a busy board's snapshot is the
// index of every report it folded, about 19 bytes each; the windows add a
// bounded amount (report bodies as JSON): about 19 bytes per event, 19 MB
// for an operation of 1,000,000 events (see BenchmarkSnapshot1M). A change
// of what the board keeps is a new format version: format 3 (the windows
// and the index of every report) refuses a snapshot of format 2 with
// projections.ErrSnapshotVersion, and the runner rebuilds the board from
// the log.
//
// Like everything under projections/, this package imports only the domain
// model, the standard library and github.com/google/uuid (through
// projections/internal/wire); it never imports commands/ or infra/.
package board
