package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/jointops/jointops/domain"
)

// accessFlags are the flags every offline read of an operation's history
// takes (replay, export): which operation, as which agency, whose token,
// and why — the purpose the audit trail records.
type accessFlags struct {
	operation, asAgency, token, purpose string
}

// register adds the flags to fs; asAgencyUsage says what --as-agency means
// for the command.
func (a *accessFlags) register(fs *flag.FlagSet, asAgencyUsage string) {
	fs.StringVar(&a.operation, "operation", "", "operation ID (required)")
	fs.StringVar(&a.asAgency, "as-agency", "", asAgencyUsage)
	fs.StringVar(&a.token, "token", "", "file holding a bearer token from `jointops token issue`, or - for stdin (required)")
	fs.StringVar(&a.purpose, "purpose", "", "why the history is read, recorded in the audit trail (required)")
}

// ids parses --operation and --as-agency (zero when not given).
func (a accessFlags) ids() (op domain.OperationID, asAgency domain.AgencyID, errs []error) {
	op, err := domain.ParseOperationID(a.operation)
	if err != nil {
		errs = append(errs, fmt.Errorf("--operation %q: want the operation's UUID", a.operation))
	}
	if a.asAgency != "" {
		if asAgency, err = domain.ParseAgencyID(a.asAgency); err != nil {
			errs = append(errs, fmt.Errorf("--as-agency %q: want the agency's UUID", a.asAgency))
		}
	}
	return op, asAgency, errs
}

// required reports a missing --purpose or --token.
func (a accessFlags) required() []error {
	var errs []error
	if strings.TrimSpace(a.purpose) == "" {
		errs = append(errs, errors.New("--purpose: required (why the history is read)"))
	}
	if a.token == "" {
		errs = append(errs, errors.New("--token: required (a file with a token from `jointops token issue`, or -)"))
	}
	return errs
}
