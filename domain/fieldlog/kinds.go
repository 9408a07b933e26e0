package fieldlog

import "slices"

func oneOf[T comparable](v T, allowed ...T) bool { return slices.Contains(allowed, v) }

// Source says how a position was obtained; each maps to a Cursor-on-Target
// "how" code.
type Source string

// Position sources.
const (
	SourceGPS     Source = "gps"     // machine, GPS: CoT m-g
	SourceManual  Source = "manual"  // human, estimated: CoT h-e
	SourceRelayed Source = "relayed" // machine, relayed: CoT m-r
	SourceFused   Source = "fused"   // machine, fused: CoT m-f
)

// Valid reports whether s is one of the sources.
func (s Source) Valid() bool { return oneOf(s, SourceGPS, SourceManual, SourceRelayed, SourceFused) }

// CoTHow returns the Cursor-on-Target "how" code of s.
func (s Source) CoTHow() string {
	switch s {
	case SourceGPS:
		return "m-g"
	case SourceManual:
		return "h-e"
	case SourceRelayed:
		return "m-r"
	case SourceFused:
		return "m-f"
	}
	return ""
}

// Mode is the way a border was crossed.
type Mode string

// Crossing modes.
const (
	ModeLand Mode = "land"
	ModeSea  Mode = "sea"
	ModeAir  Mode = "air"
)

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool { return oneOf(m, ModeLand, ModeSea, ModeAir) }

// Channel is how a host authority was notified.
type Channel string

// Notification channels.
const (
	ChannelPhone   Channel = "phone"
	ChannelRadio   Channel = "radio"
	ChannelEmail   Channel = "email"
	ChannelLiaison Channel = "liaison_officer"
	ChannelSystem  Channel = "system"
)

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool {
	return oneOf(c, ChannelPhone, ChannelRadio, ChannelEmail, ChannelLiaison, ChannelSystem)
}

// Authorisation is the footing of a cross-border surveillance.
type Authorisation string

// Authorisation modes (CISA Art. 40(1) and 40(2)).
const (
	AuthorisationPrior  Authorisation = "prior"  // authorised on request beforehand
	AuthorisationUrgent Authorisation = "urgent" // urgent case: notify at the crossing, authorisation due within 5 h
)

// Valid reports whether a is one of the modes.
func (a Authorisation) Valid() bool { return oneOf(a, AuthorisationPrior, AuthorisationUrgent) }

// SurveillanceEndReason says why a surveillance ended.
type SurveillanceEndReason string

// Reasons a surveillance ends. A handover to other officers is its own
// report (SurveillanceHandedOver).
const (
	EndRequestedByHost      SurveillanceEndReason = "requested_by_host"
	EndAuthorisationExpired SurveillanceEndReason = "authorisation_expired" // no authorisation within 5 h
	EndCompleted            SurveillanceEndReason = "completed"
	EndTargetLost           SurveillanceEndReason = "target_lost"
)

// Valid reports whether r is one of the reasons.
func (r SurveillanceEndReason) Valid() bool {
	return oneOf(r, EndRequestedByHost, EndAuthorisationExpired, EndCompleted, EndTargetLost)
}

// Grounds is why a pursuit was started (CISA Art. 41(1)).
type Grounds string

// Pursuit grounds.
const (
	GroundsCaughtInAct Grounds = "caught_in_act"
	GroundsEscaped     Grounds = "escaped"
)

// Valid reports whether g is one of the grounds.
func (g Grounds) Valid() bool { return oneOf(g, GroundsCaughtInAct, GroundsEscaped) }

// CeaseReason says why a pursuit ceased.
type CeaseReason string

// Reasons a pursuit ceases.
const (
	CeaseHostRequest  CeaseReason = "host_request"
	CeaseApprehended  CeaseReason = "apprehended"
	CeaseTargetLost   CeaseReason = "target_lost"
	CeaseLimitReached CeaseReason = "limit_reached" // distance or time limit of the declaration
	CeaseAbandoned    CeaseReason = "abandoned"
)

// Valid reports whether r is one of the reasons.
func (r CeaseReason) Valid() bool {
	return oneOf(r, CeaseHostRequest, CeaseApprehended, CeaseTargetLost, CeaseLimitReached, CeaseAbandoned)
}

// ForceKind is the kind of force used.
type ForceKind string

// Kinds of force.
const (
	ForcePhysical          ForceKind = "physical"
	ForceRestraint         ForceKind = "restraint"
	ForceBaton             ForceKind = "baton"
	ForceIrritant          ForceKind = "irritant"
	ForceConductedEnergy   ForceKind = "conducted_energy"
	ForceDog               ForceKind = "dog"
	ForceVehicle           ForceKind = "vehicle"
	ForceFirearmDrawn      ForceKind = "firearm_drawn"
	ForceFirearmDischarged ForceKind = "firearm_discharged"
	ForceOther             ForceKind = "other"
)

// Valid reports whether k is one of the kinds.
func (k ForceKind) Valid() bool {
	return oneOf(k, ForcePhysical, ForceRestraint, ForceBaton, ForceIrritant, ForceConductedEnergy,
		ForceDog, ForceVehicle, ForceFirearmDrawn, ForceFirearmDischarged, ForceOther)
}
