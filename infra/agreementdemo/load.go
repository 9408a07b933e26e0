package agreementdemo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// ErrDiverged is returned when a set says something else than what is
// already recorded for one of its versions: history is never rewritten; a
// changed figure is a new version with its own effective time.
var ErrDiverged = errors.New("the set differs from what is recorded")

// Recorder is what Load needs of the command handlers; *commands.Handlers
// is one. Its methods have the handlers' contract: idempotent by command
// ID, refusals as domain errors.
type Recorder interface {
	AgreementOf(ctx context.Context, p commands.Principal, k agreement.Key) (agreement.View, error)
	RecordAgreement(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.AgreementRecord) (commands.Accepted, error)
	AmendAgreement(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.AgreementAmendment) (commands.Accepted, error)
	RecordProvision(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.ProvisionRecord) (commands.Accepted, error)
	AmendProvision(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.ProvisionAmendment) (commands.Accepted, error)
}

var _ Recorder = (*commands.Handlers)(nil)

// Loaded counts what Load did: versions recorded, and versions found
// already recorded.
type Loaded struct {
	Recorded int
	Skipped  int
}

// Load records every version of every agreement and provision of s that is
// not recorded yet, as administrator p, at occurredAt (the field clock of
// the commands: now, for a load at start). A version already recorded must
// be the same as in s, or Load stops with ErrDiverged. Each command's ID
// derives from the version and its content, so a load interrupted and
// run again records the rest once.
func Load(ctx context.Context, r Recorder, p commands.Principal, s Set, occurredAt time.Time) (Loaded, error) {
	var n Loaded
	for _, a := range s.Agreements {
		if err := loadAgreement(ctx, r, p, a, occurredAt, &n); err != nil {
			return n, fmt.Errorf("load agreement %s: %w", a.Key, err)
		}
	}
	return n, nil
}

func loadAgreement(ctx context.Context, r Recorder, p commands.Principal, a Agreement, at time.Time, n *Loaded) error {
	view, err := r.AgreementOf(ctx, p, a.Key)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	for i, v := range a.Versions {
		if i < len(view.Versions) {
			got := view.Versions[i]
			if !got.Terms.Equal(v.Terms) || (i > 0 && !got.EffectiveAt.Equal(v.EffectiveAt)) {
				return fmt.Errorf("version %d: %w", i+1, ErrDiverged)
			}
			n.Skipped++
			continue
		}
		id, err := commandID(p, a.Key, "", i+1, v)
		if err != nil {
			return err
		}
		if i == 0 {
			_, err = r.RecordAgreement(ctx, p, id, commands.AgreementRecord{Agreement: a.Key, OccurredAt: at, Kind: a.Kind, Terms: v.Terms})
		} else {
			_, err = r.AmendAgreement(ctx, p, id, commands.AgreementAmendment{Agreement: a.Key, OccurredAt: at,
				EffectiveAt: v.EffectiveAt, Terms: v.Terms})
		}
		if err != nil {
			return fmt.Errorf("version %d: %w", i+1, err)
		}
		n.Recorded++
	}
	for _, prov := range a.Provisions {
		if err := loadProvision(ctx, r, p, a.Key, prov, view, at, n); err != nil {
			return fmt.Errorf("provision %s: %w", prov.Key, err)
		}
	}
	return nil
}

func loadProvision(ctx context.Context, r Recorder, p commands.Principal, k agreement.Key, prov Provision, view agreement.View,
	at time.Time, n *Loaded) error {
	recorded, _ := view.Provision(prov.Key)
	for i, v := range prov.Versions {
		if i < len(recorded.Versions) {
			got := recorded.Versions[i]
			if !got.Terms.Equal(v.Terms) || (i > 0 && !got.EffectiveAt.Equal(v.EffectiveAt)) {
				return fmt.Errorf("version %d: %w", i+1, ErrDiverged)
			}
			n.Skipped++
			continue
		}
		id, err := commandID(p, k, prov.Key, i+1, v)
		if err != nil {
			return err
		}
		if i == 0 {
			_, err = r.RecordProvision(ctx, p, id, commands.ProvisionRecord{Agreement: k, Provision: prov.Key, OccurredAt: at, Terms: v.Terms})
		} else {
			_, err = r.AmendProvision(ctx, p, id, commands.ProvisionAmendment{Agreement: k, Provision: prov.Key, OccurredAt: at,
				EffectiveAt: v.EffectiveAt, Terms: v.Terms})
		}
		if err != nil {
			return fmt.Errorf("version %d: %w", i+1, err)
		}
		n.Recorded++
	}
	return nil
}

// commandID derives the ID of the command recording one version from who
// records it and what, so that the same version of the same set loaded by
// the same administrator is one command (command IDs are single-use: one
// refused to another principal is not reused).
func commandID(p commands.Principal, k, provision agreement.Key, version int, content any) (commands.CommandID, error) {
	body, err := json.Marshal(content)
	if err != nil {
		return commands.CommandID{}, err
	}
	sum := sha256.Sum256(body)
	name := fmt.Sprintf("https://jointops.dev/agreement-demo/%s/%s/%s/%s/v%d/%s", p.Agency, p.Subject, k, provision, version,
		hex.EncodeToString(sum[:]))
	return commands.CommandID(uuid.NewSHA1(uuid.NameSpaceURL, []byte(name))), nil
}
