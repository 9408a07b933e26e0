package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/config"
)

// tokenPrincipal is who runs an offline history command (replay, export):
// the principal of the bearer token in file ("-": stdin), verified with
// the configured token key as the server would, so that the access is
// recorded under the same name and checked by the same rules.
func tokenPrincipal(cfg config.Config, file string, stdin io.Reader, now time.Time) (app.Principal, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, 8<<10))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return app.Principal{}, fmt.Errorf("--token: %w", err)
	}
	key, err := auth.LoadKey(cfg.TokenKeyPath())
	if err != nil {
		return app.Principal{}, fmt.Errorf("token key: %w", err)
	}
	claims, err := auth.Verify(key.Public().(ed25519.PublicKey), strings.TrimSpace(string(b)), now)
	if err != nil {
		return app.Principal{}, fmt.Errorf("--token: %w", err)
	}
	agency, err := domain.ParseAgencyID(claims.Agency)
	if err != nil {
		return app.Principal{}, fmt.Errorf("token: the agency is not an agency ID: %w", err)
	}
	subject, err := uuid.Parse(claims.Subject)
	if err != nil {
		return app.Principal{}, fmt.Errorf("token: the subject is not a person or unit ID: %w", err)
	}
	return app.NewPrincipal(agency, subject, app.Role(claims.Role))
}
