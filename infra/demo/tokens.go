package demo

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
)

// Issuer signs a bearer token naming agency, subject and role, valid for
// ttl. In `jointops serve --demo` it is the server's own token signer.
type Issuer func(agency, subject uuid.UUID, role string, ttl time.Duration) (string, error)

// DefaultTokenTTL is the lifetime of the demo's tokens when NewTokens is
// given none.
const DefaultTokenTTL = 12 * time.Hour

// principal is whom a request is sent as.
type principal struct {
	agency, subject uuid.UUID
	role            string
}

// personPrincipal is the principal of a person with a token role.
func (w *World) personPrincipal(p *Person) principal {
	return principal{agency: w.Agency(p.Agency).ID, subject: p.ID, role: p.Role}
}

// unitPrincipal is the principal of a field unit: its subject is its unit ID.
func (w *World) unitPrincipal(u *Unit) principal {
	return principal{agency: w.Agency(u.Agency).ID, subject: u.ID, role: "field_unit"}
}

// commander is the principal of agency's commander.
func (w *World) commander(agency string) principal { return w.personPrincipal(w.Commander(agency)) }

// admin is the principal of agency's administrator.
func (w *World) admin(agency string) principal { return w.personPrincipal(w.Admin(agency)) }

// TokenRow is one line of the token table: a ready-made token of one
// agency and role for the startup banner.
type TokenRow struct {
	// Agency is the agency's short name and state, such as "BPOL (DE)".
	Agency   string
	AgencyID uuid.UUID
	Role     string
	// Who is the person, or the unit's call sign.
	Who     string
	Subject uuid.UUID
	Token   string
}

// Tokens holds a token for every principal of the demo: per agency its
// administrator, commander, observer and investigator, and every field
// unit. Seed and the Simulator send their requests with them, renewing a
// token once half its lifetime has passed; Rows and WriteTable show the
// tokens issued first, for people to use. It is safe for concurrent use.
type Tokens struct {
	world *World
	issue Issuer
	ttl   time.Duration
	now   func() time.Time

	mu    sync.Mutex
	rows  []TokenRow
	cache map[principal]issuedToken
}

type issuedToken struct {
	token string
	at    time.Time
}

// NewTokens issues the tokens of every principal of w, valid for ttl
// (DefaultTokenTTL if zero).
func NewTokens(w *World, issue Issuer, ttl time.Duration) (*Tokens, error) {
	var errs []error
	if w == nil {
		errs = append(errs, errors.New("tokens: the world is required (demo.Load)"))
	}
	if issue == nil {
		errs = append(errs, errors.New("tokens: an issuer is required"))
	}
	if ttl < 0 {
		errs = append(errs, fmt.Errorf("tokens: ttl %s is negative", ttl))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	t := &Tokens{world: w, issue: issue, ttl: ttl, now: time.Now, cache: make(map[principal]issuedToken)}
	for _, a := range w.Agencies {
		label := a.Short + " (" + a.State + ")"
		for _, role := range tokenRoles {
			p := w.Person(a.Key + "/" + role)
			if err := t.addRow(label, p.Name, w.personPrincipal(p)); err != nil {
				return nil, err
			}
		}
		for i := range w.Units {
			if u := &w.Units[i]; u.Agency == a.Key {
				if err := t.addRow(label, u.CallSign, w.unitPrincipal(u)); err != nil {
					return nil, err
				}
			}
		}
	}
	return t, nil
}

func (t *Tokens) addRow(agency, who string, p principal) error {
	tok, err := t.token(p)
	if err != nil {
		return err
	}
	t.rows = append(t.rows, TokenRow{Agency: agency, AgencyID: p.agency, Role: p.role, Who: who, Subject: p.subject, Token: tok})
	return nil
}

// World returns the world the tokens were issued for.
func (t *Tokens) World() *World { return t.world }

// TTL returns the lifetime of an issued token.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Rows returns the token table, by agency, then role.
func (t *Tokens) Rows() []TokenRow {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TokenRow(nil), t.rows...)
}

// WriteTable prints the token table for a startup banner: agency, role,
// who, subject and token, one principal a line.
func (t *Tokens) WriteTable(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AGENCY\tROLE\tWHO\tSUBJECT\tTOKEN")
	for _, r := range t.Rows() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Agency, r.Role, r.Who, r.Subject, r.Token)
	}
	return tw.Flush()
}

// token returns a token of p, issuing a new one when there is none yet or
// half the lifetime of the last one has passed.
func (t *Tokens) token(p principal) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if c, ok := t.cache[p]; ok && now.Sub(c.at) < t.ttl/2 {
		return c.token, nil
	}
	tok, err := t.issue(p.agency, p.subject, p.role, t.ttl)
	if err != nil {
		return "", fmt.Errorf("issue a token for %s %s of agency %s: %w", p.role, p.subject, p.agency, err)
	}
	t.cache[p] = issuedToken{token: tok, at: now}
	return tok, nil
}
