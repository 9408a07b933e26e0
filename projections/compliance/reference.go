package compliance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/projections"
)

// applyState folds a state event and drops the jurisdiction, to be
// rebuilt at the next located report.
func (p *Policy) applyState(env projections.Envelope) {
	p.keepRef(env)
	p.replayState(env.Stream, env.Event)
}

func (p *Policy) replayState(stream string, e domain.Event) {
	var code domain.StateCode
	switch pl := e.Payload.(type) {
	case *state.Registered:
		code = pl.Code
	case *state.TerritoryRedrawn:
		code = pl.Code
	case *state.LandBorderDeclared:
		code = pl.Code
	}
	s := p.states[code]
	if s == nil {
		s = state.New(code)
		p.states[code] = s
	}
	s.Replay(e)
	p.jurisdiction = nil
}

// applyAgreement folds an agreement event and drops the library.
func (p *Policy) applyAgreement(env projections.Envelope) {
	p.keepRef(env)
	p.replayAgreement(env.Stream, env.Event)
}

func (p *Policy) replayAgreement(stream string, e domain.Event) {
	a := p.agreements[stream]
	if a == nil {
		a = agreement.New(agreement.Key(strings.TrimPrefix(stream, agreement.StreamPrefix)))
		p.agreements[stream] = a
	}
	a.Replay(e)
	p.library = nil
}

// keepRef remembers a reference event for the snapshot. Payloads of known
// types always marshal; one that does not is skipped.
func (p *Policy) keepRef(env projections.Envelope) {
	b, err := json.Marshal(env.Event.Payload)
	if err != nil {
		return
	}
	p.d.Refs = append(p.d.Refs, refEvent{Stream: env.Stream, Type: env.Event.Type, Payload: b})
}

// replayRefs rebuilds the states and agreements from d.Refs.
func (p *Policy) replayRefs() error {
	for i, r := range p.d.Refs {
		payload := newRefPayload(r.Type)
		if payload == nil {
			return fmt.Errorf("reference event %d: unknown type %q: %w", i, r.Type, projections.ErrSnapshotCorrupt)
		}
		if err := json.Unmarshal(r.Payload, payload); err != nil {
			return fmt.Errorf("reference event %d (%s): %w: %v", i, r.Type, projections.ErrSnapshotCorrupt, err)
		}
		e := domain.Event{Type: r.Type, SchemaVersion: payload.SchemaVersion(), Payload: payload}
		if strings.HasPrefix(r.Type, "jointops.state.") {
			p.replayState(r.Stream, e)
		} else {
			p.replayAgreement(r.Stream, e)
		}
	}
	return nil
}

// newRefPayload returns an empty payload of a reference event type.
func newRefPayload(eventType string) domain.Payload {
	switch eventType {
	case state.RegisteredType:
		return new(state.Registered)
	case state.TerritoryRedrawnType:
		return new(state.TerritoryRedrawn)
	case state.LandBorderDeclaredType:
		return new(state.LandBorderDeclared)
	case agreement.RecordedType:
		return new(agreement.Recorded)
	case agreement.AmendedType:
		return new(agreement.Amended)
	case agreement.SuspendedType:
		return new(agreement.Suspended)
	case agreement.ReinstatedType:
		return new(agreement.Reinstated)
	case agreement.SupersededType:
		return new(agreement.Superseded)
	case agreement.ProvisionRecordedType:
		return new(agreement.ProvisionRecorded)
	case agreement.ProvisionAmendedType:
		return new(agreement.ProvisionAmended)
	case agreement.ProvisionSuspendedType:
		return new(agreement.ProvisionSuspended)
	case agreement.ProvisionReinstatedType:
		return new(agreement.ProvisionReinstated)
	case agreement.ProvisionSupersededType:
		return new(agreement.ProvisionSuperseded)
	}
	return nil
}

// locator returns the jurisdiction, indexing the states (ordered by code,
// so a shared border line always goes to the same one) when they changed.
func (p *Policy) locator() *state.Jurisdiction {
	if p.jurisdiction == nil {
		codes := make([]domain.StateCode, 0, len(p.states))
		for c := range p.states {
			codes = append(codes, c)
		}
		slices.SortFunc(codes, domain.StateCode.Compare)
		list := make([]*state.State, len(codes))
		for i, c := range codes {
			list[i] = p.states[c]
		}
		p.jurisdiction = state.NewJurisdiction(list...)
	}
	return p.jurisdiction
}

// agreementsInForce returns the library, rebuilt when agreements changed.
func (p *Policy) agreementsInForce() *agreement.Library {
	if p.library == nil {
		keys := make([]string, 0, len(p.agreements))
		for k := range p.agreements {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		views := make([]agreement.View, len(keys))
		for i, k := range keys {
			views[i] = p.agreements[k].View()
		}
		p.library = agreement.NewLibrary(views...)
	}
	return p.library
}
