package agreement

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
)

// Query asks which provision governs an action by officers of Sending on
// the territory of Host at At.
type Query struct {
	Host    domain.StateCode
	Sending domain.StateCode
	Action  Action
	At      time.Time
	// Authorisation, if set, considers only provisions of that mode: a
	// surveillance reported as urgent is governed by the urgent-case
	// provision (CISA Art. 40(2)), one authorised beforehand by Art. 40(1).
	// Unset, both are candidates, equally specific, and the answer lists
	// the second as Ambiguous.
	Authorisation AuthorisationMode
}

// Validate reports every missing or unknown part of q, as a
// *domain.ValidationError.
func (q Query) Validate() error {
	var p domain.Problems
	if q.Host.IsZero() {
		p.Add("host", "required")
	}
	if q.Sending.IsZero() {
		p.Add("sending", "required")
	}
	if !q.Action.Valid() {
		p.Addf("action", "unknown action %q", q.Action)
	}
	if q.At.IsZero() {
		p.Add("at", "required")
	}
	switch q.Authorisation {
	case "", AuthorisationPrior, AuthorisationUrgent, AuthorisationNotRequired:
	default:
		p.Addf("authorisation", "unknown authorisation mode %q", q.Authorisation)
	}
	return p.Err()
}

// Reason says why a provision does or does not govern a query.
type Reason string

// Reasons. The first two are about a provision that applies; the rest say
// why none does.
const (
	// ReasonInForce: the provision covers the query and is in force.
	ReasonInForce Reason = "in_force"
	// ReasonDisplaced: in force, but another provision governs: one that
	// refines it, or one more specific to the two states.
	ReasonDisplaced Reason = "displaced"
	// ReasonNotCrossBorder: host and sending state are the same.
	ReasonNotCrossBorder Reason = "not_cross_border"
	// ReasonNoProvision: no recorded provision covers the two states and
	// the action at all.
	ReasonNoProvision Reason = "no_provision"
	// ReasonNotYetInForce: the provision's validity has not begun.
	ReasonNotYetInForce Reason = "not_yet_in_force"
	// ReasonExpired: the provision's validity has ended.
	ReasonExpired Reason = "expired"
	// ReasonSuspended: the provision is suspended.
	ReasonSuspended Reason = "suspended"
	// ReasonSuperseded: the provision was superseded.
	ReasonSuperseded Reason = "superseded"
	// ReasonAgreementNotInForce: its agreement is not in force (not yet,
	// or no longer).
	ReasonAgreementNotInForce Reason = "agreement_not_in_force"
	// ReasonAgreementSuspended: its agreement is suspended.
	ReasonAgreementSuspended Reason = "agreement_suspended"
	// ReasonAgreementSuperseded: its agreement was superseded.
	ReasonAgreementSuperseded Reason = "agreement_superseded"
	// ReasonRefinedNotInForce: it refines a provision (By) that is not in
	// force, and a refinement applies only where what it refines does.
	ReasonRefinedNotInForce Reason = "refined_not_in_force"
)

// Governing is the provision that governs a query, in the version in
// effect at the query's time, with what explanations quote of its
// agreement.
type Governing struct {
	Ref         ProvisionRef   `json:"ref"`
	Kind        Kind           `json:"kind"`
	Instrument  string         `json:"instrument"`
	Language    string         `json:"language"`
	Demo        bool           `json:"demo,omitempty"`
	Version     int            `json:"version"`
	EffectiveAt time.Time      `json:"effective_at"`
	Terms       ProvisionTerms `json:"terms"`
}

// LegalRef returns the reference operations and reports use for it, such
// as "CISA" "Art. 41".
func (g Governing) LegalRef() (domain.LegalRef, error) {
	return domain.NewLegalRef(g.Instrument, g.Terms.Article)
}

// Candidate is a provision that covers the query's states and action, and
// why it does or does not govern.
type Candidate struct {
	Ref    ProvisionRef `json:"ref"`
	Reason Reason       `json:"reason"`
	// Since is when that reason began to hold, when it is a dated event
	// (a suspension, an expiry); zero otherwise.
	Since time.Time `json:"since,omitzero"`
	// By is the provision that displaces it, or what superseded it.
	By ProvisionRef `json:"by,omitzero"`
	// Note is the reason recorded with a status change, if any.
	Note string `json:"note,omitempty"`
}

// Resolution answers a Query.
type Resolution struct {
	// Found is set when a provision governs; Provision is then that one.
	Found     bool      `json:"found"`
	Provision Governing `json:"provision,omitzero"`
	// Reason is ReasonInForce when Found, else why no provision governs:
	// the reason of the most specific candidate, or ReasonNoProvision.
	Reason Reason `json:"reason"`
	// Explanation says the same in words.
	Explanation string `json:"explanation"`
	// Candidates are every provision covering the states and action, the
	// most specific first.
	Candidates []Candidate `json:"candidates"`
	// Ambiguous lists other provisions in force that are exactly as
	// specific as the governing one and do not refine each other: a gap
	// in the data (the governing one is the first by reference).
	Ambiguous []ProvisionRef `json:"ambiguous,omitempty"`
}

// Library holds agreements for answering queries. Build it with
// NewLibrary; it is immutable and safe for concurrent use.
//
// A provision that refines another applies only where the refined one
// covers the query and only while it is in force — a national declaration
// under CISA Art. 41(9) gives the modalities of Art. 41 for the states
// Art. 41 binds, and nothing without it. When the refined provision's
// agreement is not in the library, the refining provision is judged on its
// own.
type Library struct {
	byAction map[Action][]entry
	byRef    map[ProvisionRef]entry
}

// entry is one provision of one agreement.
type entry struct {
	agreement *View
	provision *ProvisionView
}

// NewLibrary returns a library of the given agreements (views of recorded
// agreements; others are ignored). It keeps the views: the caller must not
// modify them afterwards.
func NewLibrary(views ...View) *Library {
	l := &Library{byAction: map[Action][]entry{}, byRef: map[ProvisionRef]entry{}}
	for i := range views {
		v := &views[i]
		if !v.Recorded() {
			continue
		}
		for j := range v.Provisions {
			pv := &v.Provisions[j]
			actions := map[Action]bool{}
			for _, ver := range pv.Versions {
				actions[ver.Terms.Action] = true
			}
			e := entry{agreement: v, provision: pv}
			for a := range actions {
				l.byAction[a] = append(l.byAction[a], e)
			}
			l.byRef[ProvisionRef{Agreement: v.Key, Provision: pv.Key}] = e
		}
	}
	return l
}

// candidate is a covering provision under evaluation.
type candidate struct {
	Candidate
	specificity int
	governing   Governing
}

// InForce answers which provision governs q. A query with missing or
// unknown parts is refused with an error that Is domain.ErrInvalid.
func (l *Library) InForce(q Query) (Resolution, error) {
	if err := q.Validate(); err != nil {
		return Resolution{}, err
	}
	q.At = q.At.UTC()
	if q.Host == q.Sending {
		return Resolution{Reason: ReasonNotCrossBorder, Candidates: []Candidate{},
			Explanation: fmt.Sprintf("an action by %s officers in %s is not cross-border", q.Sending, q.Host)}, nil
	}
	var cands []candidate
	for _, e := range l.byAction[q.Action] {
		if c, ok := l.evaluateRefined(e, q, 0); ok {
			cands = append(cands, c)
		}
	}
	displaceRefined(cands)
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.specificity != b.specificity {
			return b.specificity - a.specificity
		}
		return a.Ref.Compare(b.Ref)
	})
	res := Resolution{Candidates: make([]Candidate, 0, len(cands))}
	winner := -1
	for i := range cands {
		c := &cands[i]
		if c.Reason != ReasonInForce {
			continue
		}
		switch {
		case winner < 0:
			winner = i
		case c.specificity == cands[winner].specificity:
			res.Ambiguous = append(res.Ambiguous, c.Ref)
		default:
			c.Reason, c.By = ReasonDisplaced, cands[winner].Ref
		}
	}
	for _, c := range cands {
		res.Candidates = append(res.Candidates, c.Candidate)
	}
	switch {
	case winner >= 0:
		res.Found, res.Provision, res.Reason = true, cands[winner].governing, ReasonInForce
	case len(cands) > 0:
		res.Reason = cands[0].Reason
	default:
		res.Reason = ReasonNoProvision
	}
	res.Explanation = explain(q, res, cands)
	return res, nil
}

// maxRefinement bounds a chain of refinements (and breaks cycles in bad
// data).
const maxRefinement = 8

// evaluateRefined is evaluate, then the provision e refines, if the
// library holds it: e covers q only where that one does, and is in force
// only while that one is.
func (l *Library) evaluateRefined(e entry, q Query, depth int) (candidate, bool) {
	c, ok := evaluate(e, q)
	if !ok {
		return c, false
	}
	r := c.governing.Terms.Refines
	base, known := l.byRef[r]
	if r.IsZero() || !known || depth >= maxRefinement {
		return c, true
	}
	b, covered := l.evaluateRefined(base, q, depth+1)
	switch {
	case !covered:
		return candidate{}, false
	case c.Reason == ReasonInForce && b.Reason != ReasonInForce:
		c.Reason, c.Since, c.By, c.Note = ReasonRefinedNotInForce, b.Since, r, string(b.Reason)
	}
	return c, true
}

// evaluate decides whether e covers q and, if so, whether it is in force.
// Coverage is read from the versions in effect at q.At (or the first
// versions, for one not yet in effect).
func evaluate(e entry, q Query) (candidate, bool) {
	v, pv := e.agreement, e.provision
	av, avOK := v.VersionAt(q.At)
	if !avOK {
		av = v.Versions[0]
	}
	ver, verOK := pv.VersionAt(q.At)
	if !verOK {
		ver = pv.Versions[0]
	}
	t := ver.Terms
	if !covers(t, v.Kind, av.Terms.Parties, q) {
		return candidate{}, false
	}
	c := candidate{
		Candidate:   Candidate{Ref: ProvisionRef{Agreement: v.Key, Provision: pv.Key}, Reason: ReasonInForce},
		specificity: specificity(t, v.Kind),
		governing: Governing{Ref: ProvisionRef{Agreement: v.Key, Provision: pv.Key}, Kind: v.Kind,
			Instrument: av.Terms.Instrument, Language: av.Terms.Language, Demo: av.Terms.Demo,
			Version: ver.Number, EffectiveAt: ver.EffectiveAt, Terms: t},
	}
	in := av.Terms.InForce
	as, ps := v.StatusAt(q.At), pv.StatusAt(q.At)
	switch {
	case q.At.Before(in.From):
		c.Reason, c.Since = ReasonAgreementNotInForce, in.From
	case !in.Contains(q.At):
		c.Reason, c.Since = ReasonAgreementNotInForce, in.Until
	case as.Status == StatusSuperseded:
		c.Reason, c.Since, c.By, c.Note = ReasonAgreementSuperseded, as.EffectiveAt, as.By, as.Reason
	case as.Status == StatusSuspended:
		c.Reason, c.Since, c.Note = ReasonAgreementSuspended, as.EffectiveAt, as.Reason
	case !verOK || q.At.Before(t.Validity.From):
		c.Reason, c.Since = ReasonNotYetInForce, t.Validity.From
	case ps.Status == StatusSuperseded:
		c.Reason, c.Since, c.By, c.Note = ReasonSuperseded, ps.EffectiveAt, ps.By, ps.Reason
	case ps.Status == StatusSuspended:
		c.Reason, c.Since, c.Note = ReasonSuspended, ps.EffectiveAt, ps.Reason
	case !t.Validity.Contains(q.At):
		c.Reason, c.Since = ReasonExpired, t.Validity.Until
	}
	return c, true
}

// covers reports whether terms t of an agreement of kind with parties
// cover q's action and states.
func covers(t ProvisionTerms, kind Kind, parties []domain.StateCode, q Query) bool {
	if t.Action != q.Action || (q.Authorisation != "" && t.Authorisation.Mode != q.Authorisation) {
		return false
	}
	hosts := t.Hosts
	if len(hosts) == 0 {
		hosts = parties
	}
	if !slices.Contains(hosts, q.Host) {
		return false
	}
	switch {
	case len(t.Senders) > 0:
		return slices.Contains(t.Senders, q.Sending)
	case kind == KindDeclaration:
		return true
	}
	return slices.Contains(parties, q.Sending)
}

// specificity ranks how narrowly a provision names the two states: one
// point each for a named host and a named sending state. A bilateral
// agreement names both by its parties, a declaration its host.
func specificity(t ProvisionTerms, kind Kind) int {
	n := 0
	if len(t.Hosts) > 0 || kind == KindBilateral || kind == KindDeclaration {
		n++
	}
	if len(t.Senders) > 0 || kind == KindBilateral {
		n++
	}
	return n
}

// displaceRefined marks as displaced every in-force candidate that an
// in-force candidate refines.
func displaceRefined(cands []candidate) {
	for i := range cands {
		if cands[i].Reason != ReasonInForce {
			continue
		}
		for j := range cands {
			if i != j && cands[j].Reason == ReasonInForce && cands[j].governing.Terms.Refines == cands[i].Ref {
				cands[i].Reason, cands[i].By = ReasonDisplaced, cands[j].Ref
				break
			}
		}
	}
}

func explain(q Query, res Resolution, cands []candidate) string {
	action := strings.ReplaceAll(string(q.Action), "_", " ")
	subject := fmt.Sprintf("%s by %s officers in %s at %s", action, q.Sending, q.Host, q.At.Format(time.RFC3339))
	if res.Found {
		g := res.Provision
		s := fmt.Sprintf("%s is governed by %s %s (%s, version %d)", subject, g.Instrument, g.Terms.Article, g.Ref, g.Version)
		if g.Demo {
			s += " — demo data, not the law"
		}
		if len(res.Ambiguous) > 0 {
			s += fmt.Sprintf("; as specific and also in force: %v", res.Ambiguous)
		}
		return s
	}
	if len(cands) == 0 {
		return fmt.Sprintf("no recorded provision covers %s", subject)
	}
	c := cands[0]
	at := c.Since.Format(time.RFC3339)
	var why string
	switch c.Reason {
	case ReasonNotYetInForce:
		why = "is not yet in force (valid from " + at + ")"
	case ReasonExpired:
		why = "expired at " + at
	case ReasonSuspended:
		why = "is suspended since " + at
	case ReasonSuperseded:
		why = "was superseded by " + c.By.String() + " from " + at
	case ReasonAgreementNotInForce:
		if q.At.Before(c.Since) {
			why = "belongs to an agreement in force only from " + at
		} else {
			why = "belongs to an agreement no longer in force since " + at
		}
	case ReasonAgreementSuspended:
		why = "belongs to an agreement suspended since " + at
	case ReasonAgreementSuperseded:
		why = "belongs to an agreement superseded by " + c.By.String() + " from " + at
	case ReasonRefinedNotInForce:
		why = "refines " + c.By.String() + ", which is not in force"
	default:
		why = strings.ReplaceAll(string(c.Reason), "_", " ")
	}
	s := fmt.Sprintf("no provision in force for %s: %s %s (%s) %s", subject, c.governing.Instrument, c.governing.Terms.Article, c.Ref, why)
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}
