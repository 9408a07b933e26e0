package compliance

import (
	"slices"

	"github.com/jointops/jointops/domain"
)

// StreamPrefix begins the name of every compliance stream.
const StreamPrefix = "compliance-"

// Stream names the compliance stream of an operation.
func Stream(op domain.OperationID) string { return StreamPrefix + op.String() }

// Rejection codes.
const (
	CodeUnknownFlag     domain.Code = "compliance.unknown_flag"
	CodeFlagCleared     domain.Code = "compliance.flag_cleared"
	CodeAlreadyAnswered domain.Code = "compliance.already_answered"
)

// Flags is the aggregate of one operation's compliance flags and of the
// host states' requests to stop. Build it with New, replay its stream,
// then decide. It is not safe for concurrent use.
type Flags struct {
	root      domain.Root
	operation domain.OperationID
	flags     map[FlagID]*flagState
}

// flagState is what the aggregate remembers of one flag.
type flagState struct {
	flag    Flag
	cleared bool
	// answered holds the agencies that acknowledged or disputed the flag.
	answered map[domain.AgencyID]bool
}

// New returns the empty aggregate of operation op.
func New(op domain.OperationID) *Flags {
	return &Flags{root: domain.NewRoot(Stream(op)), operation: op, flags: map[FlagID]*flagState{}}
}

// Stream implements domain.Aggregate.
func (f *Flags) Stream() string { return f.root.Stream() }

// Version implements domain.Aggregate.
func (f *Flags) Version() uint64 { return f.root.Version() }

// Changes implements domain.Aggregate.
func (f *Flags) Changes() []domain.Event { return f.root.Changes() }

// Commit implements domain.Aggregate.
func (f *Flags) Commit() { f.root.Commit() }

// Replay implements domain.Aggregate.
func (f *Flags) Replay(e domain.Event) {
	f.apply(e.Payload)
	f.root.Replayed()
}

func (f *Flags) raise(m domain.Meta, p domain.Payload) {
	f.apply(p)
	f.root.Record(m.Event(p))
}

func (f *Flags) apply(p domain.Payload) {
	switch e := p.(type) {
	case *FlagRaised:
		f.flags[e.ID] = &flagState{flag: e.Flag, answered: map[domain.AgencyID]bool{}}
	case *FlagCleared:
		if s := f.flags[e.FlagID]; s != nil {
			s.cleared = true
		}
	case *FlagAcknowledged:
		if s := f.flags[e.FlagID]; s != nil {
			s.answered[e.Agency] = true
		}
	case *FlagDisputed:
		if s := f.flags[e.FlagID]; s != nil {
			s.answered[e.Agency] = true
		}
	}
}

// Raise records a flag. Raising a flag whose ID is already known — open or
// cleared — records nothing and succeeds: the policy may find the same
// breach again after a restart. m's occurred_at is when the breach
// happened.
func (f *Flags) Raise(m domain.Meta, flag Flag) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if !flag.ID.Valid() {
		p.Add("id", "must be a flag ID derived by NewFlagID")
	}
	if !flag.Rule.Valid() {
		p.Addf("rule", "unknown rule %q", flag.Rule)
	}
	if len(flag.Evidence) == 0 {
		p.Add("evidence", "required")
	}
	for i, e := range flag.Evidence {
		if e.Stream == "" {
			p.Add(domain.JoinPath(domain.Index("evidence", i), "stream"), "required")
		}
	}
	p.RequireText("explanation", flag.Explanation, domain.MaxText)
	p.RequireText("language", flag.Language, domain.MaxName)
	if err := p.Err(); err != nil {
		return err
	}
	if _, known := f.flags[flag.ID]; known {
		return nil
	}
	flag.Evidence = slices.Clone(flag.Evidence)
	f.raise(m, &FlagRaised{OperationID: f.operation, Flag: flag})
	return nil
}

// Clear records that evidence resolved an open flag. Clearing a cleared
// flag records nothing and succeeds; clearing an unknown one is refused.
func (f *Flags) Clear(m domain.Meta, id FlagID, evidence []EventRef, reason string) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if len(evidence) == 0 {
		p.Add("evidence", "required")
	}
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	s, err := f.known(id)
	if err != nil {
		return err
	}
	if s.cleared {
		return nil
	}
	f.raise(m, &FlagCleared{OperationID: f.operation, FlagID: id, Evidence: slices.Clone(evidence), Reason: reason})
	return nil
}

// Acknowledge records that the actor's agency took note of a flag. Each
// agency answers a flag once, by acknowledging or disputing it.
func (f *Flags) Acknowledge(m domain.Meta, id FlagID, note string) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	p.OptionalText("note", note, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := f.answerable(m, id); err != nil {
		return err
	}
	f.raise(m, &FlagAcknowledged{OperationID: f.operation, FlagID: id, Agency: m.Actor().Agency, Note: note})
	return nil
}

// Dispute records that the actor's agency contests a flag, with a note
// saying why.
func (f *Flags) Dispute(m domain.Meta, id FlagID, note string) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	p.RequireText("note", note, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := f.answerable(m, id); err != nil {
		return err
	}
	f.raise(m, &FlagDisputed{OperationID: f.operation, FlagID: id, Agency: m.Actor().Agency, Note: note})
	return nil
}

func (f *Flags) known(id FlagID) (*flagState, error) {
	s := f.flags[id]
	if s == nil {
		return nil, domain.Missing(CodeUnknownFlag, "operation %s has no flag %s", f.operation, id)
	}
	return s, nil
}

func (f *Flags) answerable(m domain.Meta, id FlagID) error {
	s, err := f.known(id)
	if err != nil {
		return err
	}
	if s.cleared {
		return domain.Reject(CodeFlagCleared, "flag %s was cleared; there is nothing to answer", id)
	}
	if s.answered[m.Actor().Agency] {
		return domain.Reject(CodeAlreadyAnswered, "agency %s already answered flag %s", m.Actor().Agency, id)
	}
	return nil
}

// RequestStop records that host, through the actor's agency (a commander
// of the host state's agency: the command layer checks it), asks units —
// every foreign unit of the operation when units is empty — to stop
// acting on its territory, for reason.
func (f *Flags) RequestStop(m domain.Meta, host domain.StateCode, units []domain.UnitID, reason string) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if host.IsZero() {
		p.Add("host", "required")
	}
	for i, u := range units {
		switch {
		case u.IsZero():
			p.Add(domain.Index("units", i), "required")
		case slices.Contains(units[:i], u):
			p.Add(domain.Index("units", i), "named twice")
		}
	}
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	f.raise(m, &StopRequested{OperationID: f.operation, Host: host, Agency: m.Actor().Agency, Units: slices.Clone(units), Reason: reason})
	return nil
}

// Flag returns a raised flag and whether it is still open (not cleared).
func (f *Flags) Flag(id FlagID) (flag Flag, open, ok bool) {
	s := f.flags[id]
	if s == nil {
		return Flag{}, false, false
	}
	c := s.flag
	c.Evidence = slices.Clone(c.Evidence)
	return c, !s.cleared, true
}
