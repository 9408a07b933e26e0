package agreement

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
)

// Kind is what sort of instrument an agreement is.
type Kind string

// Kinds of agreement. The kind is fixed when the agreement is recorded.
const (
	// KindMultilateral is a treaty among several states, such as the
	// Schengen Convention (CISA) or the Prüm Decision.
	KindMultilateral Kind = "multilateral"
	// KindBilateral is an agreement between exactly two states.
	KindBilateral Kind = "bilateral"
	// KindMoU is a memorandum of understanding (between states or their
	// agencies).
	KindMoU Kind = "mou"
	// KindDeclaration is a national declaration of one state, such as the
	// modalities of hot pursuit on its territory under CISA Art. 41(9). Its
	// provisions cover that state as host and may name any sending state.
	KindDeclaration Kind = "national_declaration"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindMultilateral, KindBilateral, KindMoU, KindDeclaration:
		return true
	}
	return false
}

// partyCount reports whether n parties suit the kind.
func (k Kind) partyCount(n int) (ok bool, want string) {
	switch k {
	case KindBilateral:
		return n == 2, "exactly 2 parties"
	case KindDeclaration:
		return n == 1, "exactly 1 party (the declaring state)"
	case KindMultilateral:
		return n >= 2, "at least 2 parties"
	}
	return n >= 1, "at least 1 party"
}

// Validity is a half-open interval [From, Until) in which something is in
// force; a zero Until means open-ended.
type Validity struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until,omitzero"`
}

// Contains reports whether t lies in the interval.
func (v Validity) Contains(t time.Time) bool {
	return !t.Before(v.From) && (v.Until.IsZero() || t.Before(v.Until))
}

func (v Validity) utc() Validity {
	v.From = v.From.UTC()
	if !v.Until.IsZero() {
		v.Until = v.Until.UTC()
	}
	return v
}

func (v Validity) validate(p *domain.Problems, field string) {
	if v.From.IsZero() {
		p.Add(domain.JoinPath(field, "from"), "required")
	}
	if !v.Until.IsZero() && !v.From.IsZero() && !v.Until.After(v.From) {
		p.Add(domain.JoinPath(field, "until"), "must be after from")
	}
}

// Terms are the amendable terms of an agreement as a whole.
type Terms struct {
	// Title is the agreement's name for humans.
	Title string `json:"title"`
	// Instrument is how legal references name it (domain.LegalRef's
	// instrument), such as "CISA" or "Prüm Decision 2008/615/JHA".
	Instrument string `json:"instrument"`
	// Parties are the states bound by it.
	Parties []domain.StateCode `json:"parties"`
	// Language is the BCP 47 tag of the language of its texts ("en",
	// "de"): explanations quoting a provision are in this language.
	Language string `json:"language"`
	// InForce is when the agreement applies.
	InForce Validity `json:"in_force"`
	// Source says where the text comes from (an official journal
	// reference), or that it is demo data.
	Source string `json:"source,omitempty"`
	// Demo marks illustrative data that is not the law: figures of a demo
	// set, never to be relied on.
	Demo bool `json:"demo,omitempty"`
}

// normalized returns t with its times in UTC and its parties sorted, so
// that equal terms compare equal.
func (t Terms) normalized() Terms {
	t.Parties = slices.Clone(t.Parties)
	slices.SortFunc(t.Parties, domain.StateCode.Compare)
	t.InForce = t.InForce.utc()
	return t
}

func (t Terms) validate(p *domain.Problems, kind Kind) {
	p.RequireText("terms.title", t.Title, domain.MaxName)
	p.RequireText("terms.instrument", t.Instrument, domain.MaxName)
	validateStates(p, "terms.parties", t.Parties)
	if kind.Valid() {
		if ok, want := kind.partyCount(len(t.Parties)); !ok {
			p.Addf("terms.parties", "a %s agreement has %s", kind, want)
		}
	}
	if !validLanguage(t.Language) {
		p.Add("terms.language", "must be a BCP 47 language tag such as en or de-AT")
	}
	t.InForce.validate(p, "terms.in_force")
	p.OptionalText("terms.source", t.Source, domain.MaxName)
}

// equal reports whether two normalized terms are the same.
func (t Terms) equal(o Terms) bool {
	return t.Title == o.Title && t.Instrument == o.Instrument && slices.Equal(t.Parties, o.Parties) &&
		t.Language == o.Language && t.InForce.From.Equal(o.InForce.From) && t.InForce.Until.Equal(o.InForce.Until) &&
		t.Source == o.Source && t.Demo == o.Demo
}

// validateStates records zero and repeated codes of a list of states.
func validateStates(p *domain.Problems, field string, states []domain.StateCode) {
	seen := map[domain.StateCode]bool{}
	for i, s := range states {
		switch {
		case s.IsZero():
			p.Add(domain.Index(field, i), "required")
		case seen[s]:
			p.Addf(domain.Index(field, i), "%s is listed twice", s)
		}
		seen[s] = true
	}
}

// validLanguage accepts a primary subtag of 2–3 letters and optional
// subtags of 1–8 letters or digits: the shape of BCP 47, not its registry.
func validLanguage(tag string) bool {
	if len(tag) == 0 || len(tag) > 35 {
		return false
	}
	sub, start := 0, 0
	for i := 0; i <= len(tag); i++ {
		if i < len(tag) && tag[i] != '-' {
			c := tag[i]
			letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			if !letter && (sub == 0 || c < '0' || c > '9') {
				return false
			}
			continue
		}
		n := i - start
		if (sub == 0 && (n < 2 || n > 3)) || n < 1 || n > 8 {
			return false
		}
		sub, start = sub+1, i+1
	}
	return true
}

// Equal reports whether t and o are the same terms, whatever the order of
// their parties and the zone of their times.
func (t Terms) Equal(o Terms) bool { return t.normalized().equal(o.normalized()) }
