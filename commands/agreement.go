package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// Agreements, their provisions and national declarations are reference
// data, like states and agencies: administrators record and change them
// (any agency's: the law binds every party alike), and every principal may
// read them. Each change names the time it takes effect, which is not when
// it is recorded: the law as it stood at any instant stays answerable.

// AgreementRecord records an agreement with version 1 of its terms.
type AgreementRecord struct {
	Agreement  agreement.Key
	OccurredAt time.Time
	Kind       agreement.Kind
	Terms      agreement.Terms
}

// AgreementAmendment records a new version of an agreement's terms.
type AgreementAmendment struct {
	Agreement   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	Terms       agreement.Terms
}

// AgreementStatusChange suspends or reinstates an agreement.
type AgreementStatusChange struct {
	Agreement   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	Reason      string
}

// AgreementSupersession records that another agreement replaces one.
type AgreementSupersession struct {
	Agreement   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	By          agreement.Key
	Reason      string
}

// ProvisionRecord records a provision of an agreement.
type ProvisionRecord struct {
	Agreement  agreement.Key
	Provision  agreement.Key
	OccurredAt time.Time
	Terms      agreement.ProvisionTerms
}

// ProvisionAmendment records a new version of a provision.
type ProvisionAmendment struct {
	Agreement   agreement.Key
	Provision   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	Terms       agreement.ProvisionTerms
}

// ProvisionStatusChange suspends or reinstates a provision.
type ProvisionStatusChange struct {
	Agreement   agreement.Key
	Provision   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	Reason      string
}

// ProvisionSupersession records that another provision replaces one.
type ProvisionSupersession struct {
	Agreement   agreement.Key
	Provision   agreement.Key
	OccurredAt  time.Time
	EffectiveAt time.Time
	By          agreement.ProvisionRef
	Reason      string
}

func onAgreement(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	k agreement.Key, occurredAt time.Time, decide func(*agreement.Agreement, domain.Meta) error) (Accepted, error) {
	if !k.Valid() {
		var probs domain.Problems
		probs.Add("agreement", "must be a key such as cisa")
		return Accepted{}, probs.Err()
	}
	return run(ctx, h, command[*agreement.Agreement]{
		useCase: useCase, id: id, p: p, input: input,
		stream: agreement.Stream(k),
		fresh:  func() *agreement.Agreement { return agreement.New(k) },
		decide: func(_ context.Context, a *agreement.Agreement) error {
			if err := p.requireRole(RoleAdmin); err != nil {
				return err
			}
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return decide(a, m)
		},
	})
}

// RecordAgreement records an agreement.
func (h *Handlers) RecordAgreement(ctx context.Context, p Principal, id CommandID, in AgreementRecord) (Accepted, error) {
	return onAgreement(ctx, h, "record_agreement", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error { return a.Record(m, in.Kind, in.Terms) })
}

// AmendAgreement records a new version of an agreement's terms.
func (h *Handlers) AmendAgreement(ctx context.Context, p Principal, id CommandID, in AgreementAmendment) (Accepted, error) {
	return onAgreement(ctx, h, "amend_agreement", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error { return a.Amend(m, in.EffectiveAt, in.Terms) })
}

// SuspendAgreement suspends an agreement.
func (h *Handlers) SuspendAgreement(ctx context.Context, p Principal, id CommandID, in AgreementStatusChange) (Accepted, error) {
	return onAgreement(ctx, h, "suspend_agreement", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error { return a.Suspend(m, in.EffectiveAt, in.Reason) })
}

// ReinstateAgreement ends an agreement's suspension.
func (h *Handlers) ReinstateAgreement(ctx context.Context, p Principal, id CommandID, in AgreementStatusChange) (Accepted, error) {
	return onAgreement(ctx, h, "reinstate_agreement", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error { return a.Reinstate(m, in.EffectiveAt, in.Reason) })
}

// SupersedeAgreement records that another agreement replaces one.
func (h *Handlers) SupersedeAgreement(ctx context.Context, p Principal, id CommandID, in AgreementSupersession) (Accepted, error) {
	return onAgreement(ctx, h, "supersede_agreement", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error {
			return a.Supersede(m, in.EffectiveAt, in.By, in.Reason)
		})
}

// RecordProvision records a provision of an agreement.
func (h *Handlers) RecordProvision(ctx context.Context, p Principal, id CommandID, in ProvisionRecord) (Accepted, error) {
	return onAgreement(ctx, h, "record_provision", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error { return a.RecordProvision(m, in.Provision, in.Terms) })
}

// AmendProvision records a new version of a provision.
func (h *Handlers) AmendProvision(ctx context.Context, p Principal, id CommandID, in ProvisionAmendment) (Accepted, error) {
	return onAgreement(ctx, h, "amend_provision", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error {
			return a.AmendProvision(m, in.Provision, in.EffectiveAt, in.Terms)
		})
}

// SuspendProvision suspends a provision.
func (h *Handlers) SuspendProvision(ctx context.Context, p Principal, id CommandID, in ProvisionStatusChange) (Accepted, error) {
	return onAgreement(ctx, h, "suspend_provision", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error {
			return a.SuspendProvision(m, in.Provision, in.EffectiveAt, in.Reason)
		})
}

// ReinstateProvision ends a provision's suspension.
func (h *Handlers) ReinstateProvision(ctx context.Context, p Principal, id CommandID, in ProvisionStatusChange) (Accepted, error) {
	return onAgreement(ctx, h, "reinstate_provision", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error {
			return a.ReinstateProvision(m, in.Provision, in.EffectiveAt, in.Reason)
		})
}

// SupersedeProvision records that another provision replaces one.
func (h *Handlers) SupersedeProvision(ctx context.Context, p Principal, id CommandID, in ProvisionSupersession) (Accepted, error) {
	return onAgreement(ctx, h, "supersede_provision", p, id, in, in.Agreement, in.OccurredAt,
		func(a *agreement.Agreement, m domain.Meta) error {
			return a.SupersedeProvision(m, in.Provision, in.EffectiveAt, in.By, in.Reason)
		})
}

// Rejection codes of the agreement reads.
const (
	// CodeAgreementNotFound: no agreement is recorded under the key.
	CodeAgreementNotFound domain.Code = "agreement.not_found"
	// CodeTooManyAgreements: a query names more agreements than
	// MaxAgreementsPerQuery.
	CodeTooManyAgreements domain.Code = "agreement.too_many_in_query"
)

// MaxAgreementsPerQuery bounds the agreements one ProvisionInForce query
// reads.
const MaxAgreementsPerQuery = 50

// AgreementOf returns the whole history of an agreement. Every principal
// may read it.
func (h *Handlers) AgreementOf(ctx context.Context, _ Principal, k agreement.Key) (agreement.View, error) {
	if !k.Valid() {
		var probs domain.Problems
		probs.Add("agreement", "must be a key such as cisa")
		return agreement.View{}, probs.Err()
	}
	var v agreement.View
	err := view(ctx, h, agreement.Stream(k), func() *agreement.Agreement { return agreement.New(k) },
		func(a *agreement.Agreement) error {
			if !a.Recorded() {
				return domain.Missing(CodeAgreementNotFound, "no agreement %s is recorded", k)
			}
			v = a.View()
			return nil
		})
	return v, err
}

// ProvisionInForce answers which provision of the named agreements governs
// q (agreement.Library.InForce). The agreements are read one at a time,
// each at its stream's end; every one must be recorded.
func (h *Handlers) ProvisionInForce(ctx context.Context, p Principal, keys []agreement.Key, q agreement.Query) (agreement.Resolution, error) {
	if len(keys) > MaxAgreementsPerQuery {
		return agreement.Resolution{}, domain.Reject(CodeTooManyAgreements, "a query reads at most %d agreements, not %d",
			MaxAgreementsPerQuery, len(keys))
	}
	var probs domain.Problems
	probs.Merge("", q.Validate())
	if len(keys) == 0 {
		probs.Add("agreement", "name at least one agreement")
	}
	for i, k := range keys {
		if !k.Valid() {
			probs.Add(domain.Index("agreement", i), "must be a key such as cisa")
		}
	}
	if err := probs.Err(); err != nil {
		return agreement.Resolution{}, err
	}
	views := make([]agreement.View, 0, len(keys))
	seen := map[agreement.Key]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		v, err := h.AgreementOf(ctx, p, k)
		if err != nil {
			return agreement.Resolution{}, err
		}
		views = append(views, v)
	}
	return agreement.NewLibrary(views...).InForce(q)
}
