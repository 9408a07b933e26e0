package agreement

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
)

// StreamPrefix begins the name of every agreement stream.
const StreamPrefix = "agreement-"

// Stream names the stream of agreement k.
func Stream(k Key) string { return StreamPrefix + string(k) }

// Rejection codes.
const (
	CodeAlreadyRecorded     domain.Code = "agreement.already_recorded"
	CodeNotRecorded         domain.Code = "agreement.not_recorded"
	CodeUnchanged           domain.Code = "agreement.unchanged"
	CodeNotAfterPrevious    domain.Code = "agreement.effective_not_after_previous_version"
	CodeStatusOutOfOrder    domain.Code = "agreement.status_change_out_of_order"
	CodeAlreadySuspended    domain.Code = "agreement.already_suspended"
	CodeNotSuspended        domain.Code = "agreement.not_suspended"
	CodeSuperseded          domain.Code = "agreement.superseded"
	CodeSupersededBySelf    domain.Code = "agreement.superseded_by_itself"
	CodeProvisionExists     domain.Code = "agreement.provision_exists"
	CodeProvisionUnknown    domain.Code = "agreement.provision_unknown"
	CodeNotAParty           domain.Code = "agreement.state_not_a_party"
	CodeRefinesItself       domain.Code = "agreement.provision_refines_itself"
	CodeActionChanged       domain.Code = "agreement.provision_action_changed"
	CodeProvisionSuperseded domain.Code = "agreement.provision_superseded"
)

// Agreement is the Agreement aggregate. Build it with New, replay its
// stream, then decide. It is not safe for concurrent use.
type Agreement struct {
	root domain.Root
	v    View
}

// New returns the empty aggregate of agreement k.
func New(k Key) *Agreement {
	return &Agreement{root: domain.NewRoot(Stream(k)), v: View{Key: k}}
}

var _ domain.Aggregate = (*Agreement)(nil)

// Stream implements domain.Aggregate.
func (a *Agreement) Stream() string { return a.root.Stream() }

// Version implements domain.Aggregate.
func (a *Agreement) Version() uint64 { return a.root.Version() }

// Changes implements domain.Aggregate.
func (a *Agreement) Changes() []domain.Event { return a.root.Changes() }

// Commit implements domain.Aggregate.
func (a *Agreement) Commit() { a.root.Commit() }

// Replay implements domain.Aggregate.
func (a *Agreement) Replay(e domain.Event) {
	a.apply(e.Payload)
	a.root.Replayed()
}

// Key returns the agreement's key.
func (a *Agreement) Key() Key { return a.v.Key }

// Recorded reports whether the agreement was recorded.
func (a *Agreement) Recorded() bool { return a.v.Recorded() }

// View returns a copy of the agreement's whole history.
func (a *Agreement) View() View { return a.v.clone() }

func (a *Agreement) raise(m domain.Meta, p domain.Payload) {
	a.apply(p)
	a.root.Record(m.Event(p))
}

func (a *Agreement) apply(p domain.Payload) {
	switch e := p.(type) {
	case *Recorded:
		a.v.Kind = e.Kind
		a.v.Versions = append(a.v.Versions, AgreementVersion{Number: 1, EffectiveAt: e.Terms.InForce.From, Terms: e.Terms})
	case *Amended:
		a.v.Versions = append(a.v.Versions, AgreementVersion{Number: e.Version, EffectiveAt: e.EffectiveAt, Terms: e.Terms})
	case *Suspended:
		a.v.Status = append(a.v.Status, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusSuspended, Reason: e.Reason})
	case *Reinstated:
		a.v.Status = append(a.v.Status, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusInForce, Reason: e.Reason})
	case *Superseded:
		a.v.Status = append(a.v.Status, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusSuperseded, Reason: e.Reason,
			By: ProvisionRef{Agreement: e.By}})
	case *ProvisionRecorded:
		a.v.Provisions = append(a.v.Provisions, ProvisionView{Key: e.Provision,
			Versions: []ProvisionVersion{{Number: 1, EffectiveAt: e.Terms.Validity.From, Terms: e.Terms}}})
	case *ProvisionAmended:
		if pv := a.provision(e.Provision); pv != nil {
			pv.Versions = append(pv.Versions, ProvisionVersion{Number: e.Version, EffectiveAt: e.EffectiveAt, Terms: e.Terms})
		}
	case *ProvisionSuspended:
		a.provisionStatus(e.Provision, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusSuspended, Reason: e.Reason})
	case *ProvisionReinstated:
		a.provisionStatus(e.Provision, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusInForce, Reason: e.Reason})
	case *ProvisionSuperseded:
		a.provisionStatus(e.Provision, StatusChange{EffectiveAt: e.EffectiveAt, Status: StatusSuperseded, Reason: e.Reason, By: e.By})
	}
}

func (a *Agreement) provision(k Key) *ProvisionView {
	for i := range a.v.Provisions {
		if a.v.Provisions[i].Key == k {
			return &a.v.Provisions[i]
		}
	}
	return nil
}

func (a *Agreement) provisionStatus(k Key, c StatusChange) {
	if pv := a.provision(k); pv != nil {
		pv.Status = append(pv.Status, c)
	}
}

// Record records the agreement, of kind, with version 1 of its terms.
func (a *Agreement) Record(m domain.Meta, kind Kind, terms Terms) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if !a.v.Key.Valid() {
		p.Add("agreement", "must be a key such as cisa")
	}
	if !kind.Valid() {
		p.Addf("kind", "unknown kind %q", kind)
	}
	terms.validate(&p, kind)
	if err := p.Err(); err != nil {
		return err
	}
	terms = terms.normalized()
	if a.v.Recorded() {
		return domain.Reject(CodeAlreadyRecorded, "agreement %s is already recorded", a.v.Key)
	}
	a.raise(m, &Recorded{Agreement: a.v.Key, Kind: kind, Terms: terms})
	return nil
}

// Amend records a new version of the agreement's terms, effective from
// effectiveAt, which must be after the previous version's.
func (a *Agreement) Amend(m domain.Meta, effectiveAt time.Time, terms Terms) error {
	if err := a.checkChangeable(m); err != nil {
		return err
	}
	var p domain.Problems
	requireTime(&p, "effective_at", effectiveAt)
	terms.validate(&p, a.v.Kind)
	if err := p.Err(); err != nil {
		return err
	}
	terms = terms.normalized()
	effectiveAt = effectiveAt.UTC()
	last := a.v.Versions[len(a.v.Versions)-1]
	if !effectiveAt.After(last.EffectiveAt) {
		return domain.Reject(CodeNotAfterPrevious, "version %d of %s is effective from %s; an amendment must take effect after that",
			last.Number, a.v.Key, last.EffectiveAt.Format(time.RFC3339))
	}
	if terms.equal(last.Terms) {
		return domain.Reject(CodeUnchanged, "the terms of %s are already these", a.v.Key)
	}
	for _, pv := range a.v.Provisions {
		if err := a.checkParties(terms.Parties, pv.Key, pv.Latest()); err != nil {
			return err
		}
	}
	a.raise(m, &Amended{Agreement: a.v.Key, Version: last.Number + 1, EffectiveAt: effectiveAt, Terms: terms})
	return nil
}

// Suspend suspends the whole agreement from effectiveAt.
func (a *Agreement) Suspend(m domain.Meta, effectiveAt time.Time, reason string) error {
	if err := a.checkChangeable(m); err != nil {
		return err
	}
	at, err := checkStatusChange(a.v.Status, effectiveAt, reason, nil)
	if err != nil {
		return err
	}
	if lastStatus(a.v.Status).Status == StatusSuspended {
		return domain.Reject(CodeAlreadySuspended, "agreement %s is already suspended", a.v.Key)
	}
	a.raise(m, &Suspended{Agreement: a.v.Key, EffectiveAt: at, Reason: reason})
	return nil
}

// Reinstate ends the suspension of the agreement from effectiveAt.
func (a *Agreement) Reinstate(m domain.Meta, effectiveAt time.Time, reason string) error {
	if err := a.checkChangeable(m); err != nil {
		return err
	}
	at, err := checkStatusChange(a.v.Status, effectiveAt, reason, nil)
	if err != nil {
		return err
	}
	if lastStatus(a.v.Status).Status != StatusSuspended {
		return domain.Reject(CodeNotSuspended, "agreement %s is not suspended", a.v.Key)
	}
	a.raise(m, &Reinstated{Agreement: a.v.Key, EffectiveAt: at, Reason: reason})
	return nil
}

// Supersede records that agreement by replaces this one from effectiveAt.
func (a *Agreement) Supersede(m domain.Meta, effectiveAt time.Time, by Key, reason string) error {
	if err := a.checkChangeable(m); err != nil {
		return err
	}
	at, err := checkStatusChange(a.v.Status, effectiveAt, reason, func(p *domain.Problems) {
		if !by.Valid() {
			p.Add("by", "must be a key such as cisa")
		}
	})
	if err != nil {
		return err
	}
	if by == a.v.Key {
		return domain.Reject(CodeSupersededBySelf, "agreement %s cannot supersede itself", a.v.Key)
	}
	a.raise(m, &Superseded{Agreement: a.v.Key, EffectiveAt: at, By: by, Reason: reason})
	return nil
}

// RecordProvision records provision k with version 1 of its terms,
// effective from the start of its validity.
func (a *Agreement) RecordProvision(m domain.Meta, k Key, terms ProvisionTerms) error {
	if err := a.checkChangeable(m); err != nil {
		return err
	}
	var p domain.Problems
	if !k.Valid() {
		p.Add("provision", "must be a key such as art41")
	}
	terms.validate(&p)
	if err := p.Err(); err != nil {
		return err
	}
	terms = terms.normalized()
	if a.provision(k) != nil {
		return domain.Reject(CodeProvisionExists, "agreement %s already has provision %s", a.v.Key, k)
	}
	if err := a.checkProvision(k, terms); err != nil {
		return err
	}
	a.raise(m, &ProvisionRecorded{Agreement: a.v.Key, Provision: k, Terms: terms})
	return nil
}

// AmendProvision records a new version of provision k, effective from
// effectiveAt, which must be after its previous version's. A provision
// keeps its action type.
func (a *Agreement) AmendProvision(m domain.Meta, k Key, effectiveAt time.Time, terms ProvisionTerms) error {
	pv, err := a.changeableProvision(m, k)
	if err != nil {
		return err
	}
	var p domain.Problems
	requireTime(&p, "effective_at", effectiveAt)
	terms.validate(&p)
	if err := p.Err(); err != nil {
		return err
	}
	terms = terms.normalized()
	effectiveAt = effectiveAt.UTC()
	last := pv.Versions[len(pv.Versions)-1]
	if !effectiveAt.After(last.EffectiveAt) {
		return domain.Reject(CodeNotAfterPrevious, "version %d of %s/%s is effective from %s; an amendment must take effect after that",
			last.Number, a.v.Key, k, last.EffectiveAt.Format(time.RFC3339))
	}
	if terms.Action != last.Terms.Action {
		return domain.Reject(CodeActionChanged, "provision %s/%s governs %s; record a new provision for %s",
			a.v.Key, k, last.Terms.Action, terms.Action)
	}
	if terms.Equal(last.Terms) {
		return domain.Reject(CodeUnchanged, "the terms of %s/%s are already these", a.v.Key, k)
	}
	if err := a.checkProvision(k, terms); err != nil {
		return err
	}
	a.raise(m, &ProvisionAmended{Agreement: a.v.Key, Provision: k, Version: last.Number + 1, EffectiveAt: effectiveAt, Terms: terms})
	return nil
}

// SuspendProvision suspends provision k from effectiveAt.
func (a *Agreement) SuspendProvision(m domain.Meta, k Key, effectiveAt time.Time, reason string) error {
	pv, err := a.changeableProvision(m, k)
	if err != nil {
		return err
	}
	at, err := checkStatusChange(pv.Status, effectiveAt, reason, nil)
	if err != nil {
		return err
	}
	if lastStatus(pv.Status).Status == StatusSuspended {
		return domain.Reject(CodeAlreadySuspended, "provision %s/%s is already suspended", a.v.Key, k)
	}
	a.raise(m, &ProvisionSuspended{Agreement: a.v.Key, Provision: k, EffectiveAt: at, Reason: reason})
	return nil
}

// ReinstateProvision ends the suspension of provision k from effectiveAt.
func (a *Agreement) ReinstateProvision(m domain.Meta, k Key, effectiveAt time.Time, reason string) error {
	pv, err := a.changeableProvision(m, k)
	if err != nil {
		return err
	}
	at, err := checkStatusChange(pv.Status, effectiveAt, reason, nil)
	if err != nil {
		return err
	}
	if lastStatus(pv.Status).Status != StatusSuspended {
		return domain.Reject(CodeNotSuspended, "provision %s/%s is not suspended", a.v.Key, k)
	}
	a.raise(m, &ProvisionReinstated{Agreement: a.v.Key, Provision: k, EffectiveAt: at, Reason: reason})
	return nil
}

// SupersedeProvision records that provision by (of this or another
// agreement) replaces provision k from effectiveAt.
func (a *Agreement) SupersedeProvision(m domain.Meta, k Key, effectiveAt time.Time, by ProvisionRef, reason string) error {
	pv, err := a.changeableProvision(m, k)
	if err != nil {
		return err
	}
	at, err := checkStatusChange(pv.Status, effectiveAt, reason, func(p *domain.Problems) { by.validate(p, "by") })
	if err != nil {
		return err
	}
	if by == (ProvisionRef{Agreement: a.v.Key, Provision: k}) {
		return domain.Reject(CodeSupersededBySelf, "provision %s/%s cannot supersede itself", a.v.Key, k)
	}
	a.raise(m, &ProvisionSuperseded{Agreement: a.v.Key, Provision: k, EffectiveAt: at, By: by, Reason: reason})
	return nil
}

// checkChangeable refuses changes to an agreement not recorded, or
// superseded (a superseded agreement is history).
func (a *Agreement) checkChangeable(m domain.Meta) error {
	if err := m.Check(); err != nil {
		return err
	}
	if !a.v.Recorded() {
		return domain.Missing(CodeNotRecorded, "agreement %s is not recorded", a.v.Key)
	}
	if s := lastStatus(a.v.Status); s.Status == StatusSuperseded {
		return domain.Reject(CodeSuperseded, "agreement %s was superseded by %s from %s",
			a.v.Key, s.By, s.EffectiveAt.Format(time.RFC3339))
	}
	return nil
}

// changeableProvision returns provision k if it and its agreement may
// still change.
func (a *Agreement) changeableProvision(m domain.Meta, k Key) (*ProvisionView, error) {
	if err := a.checkChangeable(m); err != nil {
		return nil, err
	}
	pv := a.provision(k)
	if pv == nil {
		return nil, domain.Missing(CodeProvisionUnknown, "agreement %s has no provision %s", a.v.Key, k)
	}
	if s := lastStatus(pv.Status); s.Status == StatusSuperseded {
		return nil, domain.Reject(CodeProvisionSuperseded, "provision %s/%s was superseded by %s from %s",
			a.v.Key, k, s.By, s.EffectiveAt.Format(time.RFC3339))
	}
	return pv, nil
}

// checkStatusChange validates a status change's input (more of it with
// more, if set) and its order: a change takes effect no earlier than the
// previous one.
func checkStatusChange(history []StatusChange, effectiveAt time.Time, reason string, more func(*domain.Problems)) (time.Time, error) {
	var p domain.Problems
	requireTime(&p, "effective_at", effectiveAt)
	p.RequireText("reason", reason, domain.MaxText)
	if more != nil {
		more(&p)
	}
	if err := p.Err(); err != nil {
		return time.Time{}, err
	}
	effectiveAt = effectiveAt.UTC()
	if last := lastStatus(history); len(history) > 0 && effectiveAt.Before(last.EffectiveAt) {
		return time.Time{}, domain.Reject(CodeStatusOutOfOrder, "the last status change (%s) takes effect at %s; a new one cannot take effect before",
			last.Status, last.EffectiveAt.Format(time.RFC3339))
	}
	return effectiveAt, nil
}

// checkProvision checks a provision's terms against the agreement: its
// states are parties, and it does not refine itself.
func (a *Agreement) checkProvision(k Key, terms ProvisionTerms) error {
	if terms.Refines == (ProvisionRef{Agreement: a.v.Key, Provision: k}) {
		return domain.Reject(CodeRefinesItself, "provision %s/%s cannot refine itself", a.v.Key, k)
	}
	return a.checkParties(a.v.Latest().Parties, k, terms)
}

// checkParties refuses a provision naming a host that is not a party, or
// a sending state that is not (a national declaration may name any sending
// state).
func (a *Agreement) checkParties(parties []domain.StateCode, k Key, terms ProvisionTerms) error {
	for _, h := range terms.Hosts {
		if !slices.Contains(parties, h) {
			return domain.Reject(CodeNotAParty, "provision %s/%s names host %s, which is not a party to %s", a.v.Key, k, h, a.v.Key)
		}
	}
	if a.v.Kind == KindDeclaration {
		return nil
	}
	for _, s := range terms.Senders {
		if !slices.Contains(parties, s) {
			return domain.Reject(CodeNotAParty, "provision %s/%s names sending state %s, which is not a party to %s", a.v.Key, k, s, a.v.Key)
		}
	}
	return nil
}

func requireTime(p *domain.Problems, field string, t time.Time) {
	if t.IsZero() {
		p.Add(field, "required")
	}
}
