package agreement

import (
	"slices"
	"time"
)

// Status is whether an agreement or a provision applies, as of a status
// change.
type Status string

// Statuses. Everything recorded is in force (within its validity) until a
// status change says otherwise.
const (
	StatusInForce    Status = "in_force"
	StatusSuspended  Status = "suspended"
	StatusSuperseded Status = "superseded"
)

// StatusChange is one change of status, effective from EffectiveAt.
type StatusChange struct {
	EffectiveAt time.Time `json:"effective_at"`
	Status      Status    `json:"status"`
	Reason      string    `json:"reason"`
	// By is what superseded it: an agreement (Provision empty) or a
	// provision.
	By ProvisionRef `json:"by,omitzero"`
}

// AgreementVersion is one version of an agreement's terms.
type AgreementVersion struct {
	Number      int       `json:"number"`
	EffectiveAt time.Time `json:"effective_at"`
	Terms       Terms     `json:"terms"`
}

// ProvisionVersion is one version of a provision's terms.
type ProvisionVersion struct {
	Number      int            `json:"number"`
	EffectiveAt time.Time      `json:"effective_at"`
	Terms       ProvisionTerms `json:"terms"`
}

// ProvisionView is the whole history of one provision.
type ProvisionView struct {
	Key      Key                `json:"key"`
	Versions []ProvisionVersion `json:"versions"`
	Status   []StatusChange     `json:"status"`
}

// View is the whole history of an agreement: every version of its terms
// and of its provisions, every status change, each with its effective
// time, in the order recorded (which is also the order of effective
// times). It is a value: the aggregate hands out copies.
type View struct {
	Key        Key                `json:"key"`
	Kind       Kind               `json:"kind"`
	Versions   []AgreementVersion `json:"versions"`
	Status     []StatusChange     `json:"status"`
	Provisions []ProvisionView    `json:"provisions"`
}

// Recorded reports whether the agreement was recorded.
func (v View) Recorded() bool { return len(v.Versions) > 0 }

// Latest returns the terms of the last version.
func (v View) Latest() Terms {
	if len(v.Versions) == 0 {
		return Terms{}
	}
	return v.Versions[len(v.Versions)-1].Terms
}

// VersionAt returns the version in effect at t; ok is false before the
// first.
func (v View) VersionAt(t time.Time) (AgreementVersion, bool) {
	return lastBefore(v.Versions, t, func(x AgreementVersion) time.Time { return x.EffectiveAt })
}

// StatusAt returns the status at t.
func (v View) StatusAt(t time.Time) StatusChange { return statusAt(v.Status, t) }

// Provision returns the history of provision k.
func (v View) Provision(k Key) (ProvisionView, bool) {
	i := slices.IndexFunc(v.Provisions, func(p ProvisionView) bool { return p.Key == k })
	if i < 0 {
		return ProvisionView{}, false
	}
	return v.Provisions[i], true
}

// VersionAt returns the version of the provision in effect at t; ok is
// false before the first.
func (p ProvisionView) VersionAt(t time.Time) (ProvisionVersion, bool) {
	return lastBefore(p.Versions, t, func(x ProvisionVersion) time.Time { return x.EffectiveAt })
}

// Latest returns the terms of the last version.
func (p ProvisionView) Latest() ProvisionTerms {
	if len(p.Versions) == 0 {
		return ProvisionTerms{}
	}
	return p.Versions[len(p.Versions)-1].Terms
}

// StatusAt returns the status at t.
func (p ProvisionView) StatusAt(t time.Time) StatusChange { return statusAt(p.Status, t) }

// clone returns a deep copy of v, its lists empty rather than nil (they
// read as [] in JSON).
func (v View) clone() View {
	v.Versions = cloneOrEmpty(v.Versions)
	for i := range v.Versions {
		v.Versions[i].Terms = v.Versions[i].Terms.normalized()
	}
	v.Status = cloneOrEmpty(v.Status)
	v.Provisions = cloneOrEmpty(v.Provisions)
	for i := range v.Provisions {
		p := &v.Provisions[i]
		p.Versions = cloneOrEmpty(p.Versions)
		for j := range p.Versions {
			p.Versions[j].Terms = p.Versions[j].Terms.normalized()
		}
		p.Status = cloneOrEmpty(p.Status)
	}
	return v
}

func cloneOrEmpty[T any](s []T) []T { return append(make([]T, 0, len(s)), s...) }

// lastBefore returns the last element effective at or before t, in a list
// ordered by effective time.
func lastBefore[V any](list []V, t time.Time, at func(V) time.Time) (V, bool) {
	for i := len(list) - 1; i >= 0; i-- {
		if !at(list[i]).After(t) {
			return list[i], true
		}
	}
	var zero V
	return zero, false
}

// statusAt returns the last status change effective at or before t, or
// in force.
func statusAt(changes []StatusChange, t time.Time) StatusChange {
	c, ok := lastBefore(changes, t, func(c StatusChange) time.Time { return c.EffectiveAt })
	if !ok {
		return StatusChange{Status: StatusInForce}
	}
	return c
}

// lastStatus returns the latest status change, or in force.
func lastStatus(changes []StatusChange) StatusChange {
	if len(changes) == 0 {
		return StatusChange{Status: StatusInForce}
	}
	return changes[len(changes)-1]
}
