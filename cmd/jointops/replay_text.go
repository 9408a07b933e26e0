package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jointops/jointops/projections/board"
)

// writeReplayText writes a replay as a readable summary: the operation,
// its units with their last known positions, open tasks, the command
// structure, the reports and the compliance flags.
func writeReplayText(w io.Writer, out replayOut) error {
	v := out.Board
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	position := out.Position
	if position == "" {
		position = "(before its first event)"
	}
	p("Operation %s as of %s %s, at position %s, as seen by agency %s\n", out.Operation, strings.ReplaceAll(out.AsOfKind, "_", " "), out.AsOf, position, out.AsAgency)
	if v.Operation.IsZero() {
		p("The agency saw nothing of this operation then.\n")
		return tw.Flush()
	}
	p("Status: %s\tLead: %s\tPurpose: %s\n", v.Status, v.Lead, v.Purpose)
	last := map[string]*board.TrackPoint{}
	for _, tr := range v.Tracks {
		last[tr.Unit.String()] = tr.Last
	}
	p("\nUnits (%d):\n", len(v.Units))
	for _, u := range v.Units {
		where := "no known position"
		if pt := last[u.Unit.String()]; pt != nil {
			where = fmt.Sprintf("at %.5f,%.5f (%s)", pt.Point.Lat(), pt.Point.Lon(), stamp(pt.OccurredAt))
		}
		p("  %s\t%s\tagency %s\t%s\t%s\n", u.CallSign, u.Unit, u.Agency, u.Status, where)
	}
	p("\nOpen tasks (%d):\n", len(v.Tasks))
	for _, t := range v.Tasks {
		ack := "acknowledged"
		if t.AwaitingAcknowledgement {
			ack = "awaiting acknowledgement"
		}
		p("  %s\tunit %s\t%s\trev %d, %s\n", t.Task, t.Unit, t.Objective, t.Revision, ack)
	}
	p("\nCommand (%d positions):\n", len(v.Positions))
	for _, pos := range v.Positions {
		holder := "vacant"
		if pos.Holder != nil {
			holder = fmt.Sprintf("person %s (agency %s)", pos.Holder.Person(), pos.Holder.Agency())
		}
		p("  %s\t%s\n", pos.Title, holder)
	}
	p("\nReports (%d):\n", len(v.Reports))
	for _, r := range v.Reports {
		var notes []string
		if r.LateBySeconds > 0 {
			notes = append(notes, fmt.Sprintf("late by %s", time.Duration(r.LateBySeconds)*time.Second))
		}
		if !r.CorrectedBy.IsZero() {
			notes = append(notes, "corrected")
		}
		if r.Retraction != nil {
			notes = append(notes, "retracted")
		}
		p("  %s\t%s\tunit %s\t%s\t%s\n", stamp(r.RecordedAt), strings.TrimPrefix(r.Type, "jointops.field."), r.Unit, r.Marking.TLP(), strings.Join(notes, ", "))
	}
	p("\nFlags (%d):\n", len(v.Flags))
	for _, f := range v.Flags {
		p("  %s\t%s\t%s\t%s\t%s\n", stamp(f.OccurredAt), f.Rule, f.Severity, f.State, f.Explanation)
	}
	return tw.Flush()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
