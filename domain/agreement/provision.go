package agreement

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
)

// Action is the type of cross-border action a provision governs.
type Action string

// Action types.
const (
	// ActionSurveillance: continuing an observation into another state
	// (CISA Art. 40).
	ActionSurveillance Action = "surveillance"
	// ActionHotPursuit: pursuing a person caught in the act across the
	// border (CISA Art. 41).
	ActionHotPursuit Action = "hot_pursuit"
	// ActionJointOperation: joint patrols and other joint operations in
	// which seconded officers act on the host's territory (Prüm Art. 17).
	ActionJointOperation Action = "joint_operation"
)

// Valid reports whether a is one of the action types.
func (a Action) Valid() bool {
	return a == ActionSurveillance || a == ActionHotPursuit || a == ActionJointOperation
}

// OffenceKind says which offences a provision covers.
type OffenceKind string

// Offence scopes.
const (
	// OffencesListed: only the offences listed (CISA Art. 40(7), 41(4)(a)).
	OffencesListed OffenceKind = "listed"
	// OffencesExtraditable: any offence that may give rise to extradition.
	OffencesExtraditable OffenceKind = "extraditable"
	// OffencesAny: not limited by offence (joint patrols for public order).
	OffencesAny OffenceKind = "any"
)

// Offences is the offence scope of a provision.
type Offences struct {
	Kind OffenceKind `json:"kind"`
	// Listed names the offences covered when Kind is listed, as field
	// reports name them ("murder", "drug_trafficking").
	Listed []string `json:"listed,omitempty"`
}

// Covers reports whether offence, as a field report names it, is within
// the scope. An extraditable offence cannot be told from its name, so
// every offence is taken as covered by that scope: whether it really is
// extraditable is for the officers and the host authority, not for a rule.
func (o Offences) Covers(offence string) bool {
	if o.Kind != OffencesListed {
		return true
	}
	offence = normalizeOffence(offence)
	for _, l := range o.Listed {
		if normalizeOffence(l) == offence {
			return true
		}
	}
	return false
}

// normalizeOffence folds case and the separators people use, so that
// "Drug trafficking" names the listed "drug_trafficking".
func normalizeOffence(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// AuthorisationMode is whether the host must authorise an action first.
type AuthorisationMode string

// Authorisation modes.
const (
	// AuthorisationPrior: the host authorises on request before the
	// crossing (CISA Art. 40(1); a joint arrangement under Prüm Art. 17).
	AuthorisationPrior AuthorisationMode = "prior"
	// AuthorisationUrgent: in an urgent case the crossing may precede the
	// authorisation, which must arrive within DueWithinMinutes of the
	// crossing or the action stops (CISA Art. 40(2): 5 h).
	AuthorisationUrgent AuthorisationMode = "urgent"
	// AuthorisationNotRequired: no authorisation, only notification (hot
	// pursuit, CISA Art. 41).
	AuthorisationNotRequired AuthorisationMode = "not_required"
)

// Authorisation is the authorisation regime of a provision.
type Authorisation struct {
	Mode AuthorisationMode `json:"mode"`
	// DueWithinMinutes bounds, in urgent mode, the time from the crossing
	// to the host's authorisation.
	DueWithinMinutes int `json:"due_within_minutes,omitempty"`
}

// Due returns how long after the crossing an urgent action may go on
// without the host's authorisation; ok is false when the mode is not
// urgent.
func (a Authorisation) Due() (d time.Duration, ok bool) {
	if a.Mode != AuthorisationUrgent {
		return 0, false
	}
	return minutes(a.DueWithinMinutes), true
}

// NotifyWhen is when the host authority must be notified.
type NotifyWhen string

// Notification deadlines.
const (
	// NotifyNone: no notification is required by the provision.
	NotifyNone NotifyWhen = "none"
	// NotifyBeforeCrossing: before the border is crossed (the request for
	// authorisation).
	NotifyBeforeCrossing NotifyWhen = "before_crossing"
	// NotifyAtCrossing: at the latest when the border is crossed
	// ("immediately", CISA Art. 40(2) and 41(1)).
	NotifyAtCrossing NotifyWhen = "at_crossing"
	// NotifyWithin: within WithinMinutes of the crossing.
	NotifyWithin NotifyWhen = "within"
)

// Notification says whom to notify and by when.
type Notification struct {
	When NotifyWhen `json:"when"`
	// WithinMinutes is the deadline after the crossing when When is within.
	WithinMinutes int `json:"within_minutes,omitempty"`
	// ContactPoint is the purpose of the host's designated contact point
	// to notify, such as pursuit_notification.
	ContactPoint agency.Purpose `json:"contact_point,omitempty"`
}

// Deadline returns the latest time the host must be notified of an action
// that crossed the border at crossedAt; ok is false when no notification
// is required.
func (n Notification) Deadline(crossedAt time.Time) (t time.Time, ok bool) {
	switch n.When {
	case NotifyBeforeCrossing, NotifyAtCrossing:
		return crossedAt, true
	case NotifyWithin:
		return crossedAt.Add(minutes(n.WithinMinutes)), true
	}
	return time.Time{}, false
}

// Limits bound an action on the host's territory; a zero field means no
// limit of that kind.
type Limits struct {
	// DistanceKm bounds the distance from the border, in kilometres.
	DistanceKm float64 `json:"distance_km,omitempty"`
	// DurationMinutes bounds the time from the crossing.
	DurationMinutes int `json:"duration_minutes,omitempty"`
}

// Distance returns the distance limit in metres; ok is false without one.
func (l Limits) Distance() (metres float64, ok bool) {
	return l.DistanceKm * 1000, l.DistanceKm > 0
}

// Duration returns the time limit; ok is false without one.
func (l Limits) Duration() (d time.Duration, ok bool) {
	return minutes(l.DurationMinutes), l.DurationMinutes > 0
}

// BeyondDistance reports whether an action metres from the border is
// beyond the distance limit. The limit itself is within: 10 km of a 10 km
// limit is allowed, 10.001 km is not.
func (l Limits) BeyondDistance(metres float64) bool {
	limit, ok := l.Distance()
	return ok && metres > limit
}

// BeyondDuration reports whether an action going on for elapsed since the
// crossing is beyond the time limit; the limit itself is within.
func (l Limits) BeyondDuration(elapsed time.Duration) bool {
	limit, ok := l.Duration()
	return ok && elapsed > limit
}

// Apprehension is what foreign officers may do with the person pursued or
// observed.
type Apprehension string

// Apprehension rules.
const (
	// ApprehensionNone: no right of apprehension.
	ApprehensionNone Apprehension = "none"
	// ApprehensionHold: the person may be held until local officers arrive
	// to take over (CISA Art. 41(2)(b)).
	ApprehensionHold Apprehension = "hold_until_local_officers"
)

// Valid reports whether a is one of the rules.
func (a Apprehension) Valid() bool { return a == ApprehensionNone || a == ApprehensionHold }

// Mode is a kind of border an action may cross.
type Mode string

// Modes; the strings are those of field reports' crossing modes.
const (
	ModeLand Mode = "land"
	ModeSea  Mode = "sea"
	ModeAir  Mode = "air"
)

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool { return m == ModeLand || m == ModeSea || m == ModeAir }

// Weapons is what the provision allows about service weapons.
type Weapons string

// Weapons rules.
const (
	// WeaponsNotCarried: service weapons may not be carried.
	WeaponsNotCarried Weapons = "not_carried"
	// WeaponsSelfDefence: carried, used only in legitimate self-defence
	// (CISA Art. 40(3)(d), 41(5)(e)).
	WeaponsSelfDefence Weapons = "self_defence"
	// WeaponsHostLaw: as the host's law and the joint arrangement allow
	// (Prüm Art. 19).
	WeaponsHostLaw Weapons = "host_law"
)

// Valid reports whether w is one of the rules.
func (w Weapons) Valid() bool {
	return w == WeaponsNotCarried || w == WeaponsSelfDefence || w == WeaponsHostLaw
}

// Report is the post-action report due to the host.
type Report struct {
	Required bool `json:"required"`
	// WithinMinutes is the deadline after the action ends; zero when the
	// provision sets none.
	WithinMinutes int `json:"within_minutes,omitempty"`
}

// Deadline returns when the report on an action that ended at endedAt is
// due; ok is false when no report, or no deadline, is set.
func (r Report) Deadline(endedAt time.Time) (t time.Time, ok bool) {
	if !r.Required || r.WithinMinutes == 0 {
		return time.Time{}, false
	}
	return endedAt.Add(minutes(r.WithinMinutes)), true
}

// ProvisionTerms are the terms of one version of a provision.
type ProvisionTerms struct {
	// Article is the provision's place in its instrument: "Art. 41".
	Article string `json:"article"`
	Title   string `json:"title"`
	// Text is the provision's gist in the agreement's language, quoted by
	// explanations.
	Text   string `json:"text,omitempty"`
	Action Action `json:"action"`
	// Hosts are the states on whose territory the provision applies;
	// empty means every party.
	Hosts []domain.StateCode `json:"hosts,omitempty"`
	// Senders are the states whose officers it covers; empty means every
	// party (for a national declaration: every state). The host itself is
	// never a sender.
	Senders []domain.StateCode `json:"senders,omitempty"`
	// Refines names the provision this one gives the modalities of (a
	// declaration under CISA Art. 41(9) refines Art. 41): where both apply,
	// this one governs.
	Refines       ProvisionRef  `json:"refines,omitzero"`
	Offences      Offences      `json:"offences"`
	Authorisation Authorisation `json:"authorisation"`
	Notification  Notification  `json:"notification"`
	Limits        Limits        `json:"limits,omitzero"`
	Apprehension  Apprehension  `json:"apprehension"`
	// Handover bounds how long an apprehended person may be held before
	// being handed over or released; only with apprehension.
	Handover Handover `json:"handover,omitzero"`
	Modes    []Mode   `json:"modes"`
	Weapons  Weapons  `json:"weapons"`
	// HostPresence: powers are exercised only in the presence of host
	// officers (Prüm Art. 17(2)).
	HostPresence bool   `json:"host_presence,omitempty"`
	Report       Report `json:"report"`
	// Conditions are further obligations in words, not checked by rules:
	// "no entry into private homes".
	Conditions []string `json:"conditions,omitempty"`
	Validity   Validity `json:"validity"`
}

// AllowsMode reports whether the provision allows crossing by mode.
func (t ProvisionTerms) AllowsMode(m Mode) bool { return slices.Contains(t.Modes, m) }

// normalized returns t with times in UTC and unordered lists sorted.
func (t ProvisionTerms) normalized() ProvisionTerms {
	t.Hosts = sortedStates(t.Hosts)
	t.Senders = sortedStates(t.Senders)
	t.Modes = slices.Clone(t.Modes)
	slices.Sort(t.Modes)
	t.Offences.Listed = cloneOrNil(t.Offences.Listed)
	t.Conditions = cloneOrNil(t.Conditions)
	t.Validity = t.Validity.utc()
	return t
}

// cloneOrNil copies s; an empty list becomes nil, as JSON reads it back.
func cloneOrNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

func sortedStates(s []domain.StateCode) []domain.StateCode {
	s = cloneOrNil(s)
	slices.SortFunc(s, domain.StateCode.Compare)
	return s
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// Upper bounds of figures, catching typos (minutes for hours) and overflow.
const (
	maxMinutes    = 366 * 24 * 60
	maxDistanceKm = 1000
	maxListed     = 200
	maxConditions = 50
)

func checkMinutes(p *domain.Problems, field string, n int) {
	if n < 0 || n > maxMinutes {
		p.Addf(field, "must be in [0, %d]", maxMinutes)
	}
}

// validate records every problem of the terms, under "terms.…".
func (t ProvisionTerms) validate(p *domain.Problems) {
	p.RequireText("terms.article", t.Article, domain.MaxName)
	p.RequireText("terms.title", t.Title, domain.MaxName)
	p.OptionalText("terms.text", t.Text, domain.MaxText)
	if !t.Action.Valid() {
		p.Addf("terms.action", "unknown action %q", t.Action)
	}
	validateStates(p, "terms.hosts", t.Hosts)
	validateStates(p, "terms.senders", t.Senders)
	if !t.Refines.IsZero() {
		t.Refines.validate(p, "terms.refines")
	}
	t.validateOffences(p)
	t.validateAuthorisation(p)
	t.validateNotification(p)
	if d := t.Limits.DistanceKm; d < 0 || d > maxDistanceKm || math.IsNaN(d) {
		p.Addf("terms.limits.distance_km", "must be in [0, %d] (0: no limit)", maxDistanceKm)
	}
	checkMinutes(p, "terms.limits.duration_minutes", t.Limits.DurationMinutes)
	if !t.Apprehension.Valid() {
		p.Addf("terms.apprehension", "unknown apprehension rule %q", t.Apprehension)
	}
	if !t.Handover.IsZero() && t.Apprehension == ApprehensionNone {
		p.Add("terms.handover", "only with a right of apprehension")
	}
	t.Handover.validate(p, "terms.handover")
	if len(t.Modes) == 0 {
		p.Add("terms.modes", "name at least one of land, sea, air")
	}
	for i, m := range t.Modes {
		switch {
		case !m.Valid():
			p.Addf(domain.Index("terms.modes", i), "unknown mode %q", m)
		case slices.Index(t.Modes, m) < i:
			p.Addf(domain.Index("terms.modes", i), "%s is listed twice", m)
		}
	}
	if !t.Weapons.Valid() {
		p.Addf("terms.weapons", "unknown weapons rule %q", t.Weapons)
	}
	checkMinutes(p, "terms.report.within_minutes", t.Report.WithinMinutes)
	if !t.Report.Required && t.Report.WithinMinutes != 0 {
		p.Add("terms.report.within_minutes", "only with a required report")
	}
	if len(t.Conditions) > maxConditions {
		p.Addf("terms.conditions", "at most %d conditions", maxConditions)
	}
	for i, c := range t.Conditions {
		p.RequireText(domain.Index("terms.conditions", i), c, domain.MaxText)
	}
	t.Validity.validate(p, "terms.validity")
}

func (t ProvisionTerms) validateOffences(p *domain.Problems) {
	o := t.Offences
	switch o.Kind {
	case OffencesListed:
		if len(o.Listed) == 0 {
			p.Add("terms.offences.listed", "name at least one offence")
		}
	case OffencesExtraditable, OffencesAny:
		if len(o.Listed) > 0 {
			p.Addf("terms.offences.listed", "only with kind %s", OffencesListed)
		}
	default:
		p.Addf("terms.offences.kind", "unknown offence scope %q", o.Kind)
	}
	if len(o.Listed) > maxListed {
		p.Addf("terms.offences.listed", "at most %d offences", maxListed)
		return
	}
	seen := map[string]bool{}
	for i, l := range o.Listed {
		field := domain.Index("terms.offences.listed", i)
		p.RequireText(field, l, domain.MaxName)
		if n := normalizeOffence(l); seen[n] {
			p.Addf(field, "%q is listed twice", l)
		} else {
			seen[n] = true
		}
	}
}

func (t ProvisionTerms) validateAuthorisation(p *domain.Problems) {
	a := t.Authorisation
	switch a.Mode {
	case AuthorisationUrgent:
		if a.DueWithinMinutes <= 0 {
			p.Add("terms.authorisation.due_within_minutes", "required in urgent mode")
		}
		checkMinutes(p, "terms.authorisation.due_within_minutes", a.DueWithinMinutes)
	case AuthorisationPrior, AuthorisationNotRequired:
		if a.DueWithinMinutes != 0 {
			p.Addf("terms.authorisation.due_within_minutes", "only in %s mode", AuthorisationUrgent)
		}
	default:
		p.Addf("terms.authorisation.mode", "unknown authorisation mode %q", a.Mode)
	}
}

func (t ProvisionTerms) validateNotification(p *domain.Problems) {
	n := t.Notification
	switch n.When {
	case NotifyWithin:
		if n.WithinMinutes <= 0 {
			p.Add("terms.notification.within_minutes", "required when notifying within a delay")
		}
		checkMinutes(p, "terms.notification.within_minutes", n.WithinMinutes)
	case NotifyNone, NotifyBeforeCrossing, NotifyAtCrossing:
		if n.WithinMinutes != 0 {
			p.Addf("terms.notification.within_minutes", "only when notifying %s", NotifyWithin)
		}
	default:
		p.Addf("terms.notification.when", "unknown notification deadline %q", n.When)
	}
	switch {
	case n.When == NotifyNone && n.ContactPoint != "":
		p.Add("terms.notification.contact_point", "not with when none")
	case n.When != NotifyNone && n.When != "" && !n.ContactPoint.Valid():
		p.Addf("terms.notification.contact_point", "unknown contact point purpose %q", n.ContactPoint)
	}
}

// Equal reports whether t and o are the same terms, whatever the order of
// their unordered lists and the zone of their times.
func (t ProvisionTerms) Equal(o ProvisionTerms) bool {
	return reflect.DeepEqual(t.normalized(), o.normalized())
}
