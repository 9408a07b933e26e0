package httpapi

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/auth"
)

// principalOf turns verified claims into the commands' principal. A token
// whose agency or subject is not an ID is refused as unauthenticated: it was
// signed by our key but cannot name anyone the domain knows.
func principalOf(c auth.Claims) (commands.Principal, error) {
	agency, err := domain.ParseAgencyID(c.Agency)
	if err != nil {
		return commands.Principal{}, fmt.Errorf("%w: the token's agency is not an agency ID", errUnauthenticated)
	}
	subject, err := uuid.Parse(c.Subject)
	if err != nil {
		return commands.Principal{}, fmt.Errorf("%w: the token's subject is not a person or unit ID", errUnauthenticated)
	}
	p, err := commands.NewPrincipal(agency, subject, commands.Role(c.Role))
	if err != nil {
		return commands.Principal{}, fmt.Errorf("%w: %v", errUnauthenticated, err)
	}
	return p, nil
}
