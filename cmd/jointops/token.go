package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/auth"
)

// maxTokenTTL bounds the lifetime of an issued token: a leaked token is
// useful to an attacker for at most this long.
const maxTokenTTL = 31 * 24 * time.Hour

// runToken dispatches the token subcommands.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "issue" {
		return runTokenIssue(ctx, args[1:], stdout, stderr, time.Now)
	}
	fmt.Fprintln(stderr, "usage: jointops token issue --agency ID --subject ID --role ROLE [--ttl 12h] [--data-dir DIR]")
	return &exitError{code: 2, err: errors.New("token: want the subcommand issue")}
}

// tokenRequest is what `token issue` is asked to sign.
type tokenRequest struct {
	agency, subject, role string
	ttl                   time.Duration
}

// runTokenIssue prints a bearer token signed with the configured key,
// generating the key if the data dir has none yet. Only the token goes to
// stdout, so `TOKEN=$(jointops token issue …)` works.
func runTokenIssue(_ context.Context, args []string, stdout, stderr io.Writer, now func() time.Time) error {
	var req tokenRequest
	cfg, err := loadConfig("token issue", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&req.agency, "agency", "", "agency ID (UUID) the token acts for (required)")
		fs.StringVar(&req.subject, "subject", "", "person or unit ID (UUID) the token names (required)")
		fs.StringVar(&req.role, "role", "", fmt.Sprintf("one of %v (required)", auth.Roles))
		fs.DurationVar(&req.ttl, "ttl", 12*time.Hour, "lifetime of the token, at most "+maxTokenTTL.String())
	})
	if err != nil {
		return err
	}
	claims, err := req.claims(now().UTC().Truncate(time.Second))
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	key, created, err := auth.LoadOrCreateKey(cfg.TokenKeyPath())
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stderr, "generated a new token signing key at %s\n", cfg.TokenKeyPath())
	}
	token, err := auth.Sign(key, claims)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	fmt.Fprintf(stderr, "token %s for %s %s of agency %s, expires %s\n",
		claims.ID, claims.Role, claims.Subject, claims.Agency, claims.ExpiresAt.Format(time.RFC3339))
	_, err = fmt.Fprintln(stdout, token)
	return err
}

// claims validates the request and builds the claims issued at now.
func (r tokenRequest) claims(now time.Time) (auth.Claims, error) {
	var errs []error
	if _, err := uuid.Parse(r.agency); err != nil {
		errs = append(errs, fmt.Errorf("--agency %q: want the agency's UUID", r.agency))
	}
	if _, err := uuid.Parse(r.subject); err != nil {
		errs = append(errs, fmt.Errorf("--subject %q: want the person's or unit's UUID", r.subject))
	}
	if !auth.Role(r.role).Valid() {
		errs = append(errs, fmt.Errorf("--role %q: want one of %v", r.role, auth.Roles))
	}
	if r.ttl <= 0 || r.ttl > maxTokenTTL {
		errs = append(errs, fmt.Errorf("--ttl %s: want a positive duration of at most %s", r.ttl, maxTokenTTL))
	}
	if err := errors.Join(errs...); err != nil {
		return auth.Claims{}, err
	}
	return auth.Claims{
		Agency:    r.agency,
		Subject:   r.subject,
		Role:      auth.Role(r.role),
		IssuedAt:  now,
		ExpiresAt: now.Add(r.ttl),
		ID:        uuid.NewString(),
	}, nil
}
