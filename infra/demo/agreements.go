package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The agreements of the demo: a set of legal frameworks in the file format
// of infra/agreementdemo (its demo.json), recorded through the agreement
// routes of the API as the lead agency's administrator, so that the
// compliance policy judges the simulated field against them. The terms go
// to the API as the file has them; the API validates them.

// agreementSet is a set file: each agreement with every version of its
// terms, each provision with every version of its own.
type agreementSet struct {
	Agreements []struct {
		Key        string        `json:"key"`
		Kind       string        `json:"kind"`
		Versions   []termVersion `json:"versions"`
		Provisions []struct {
			Key      string        `json:"key"`
			Versions []termVersion `json:"versions"`
		} `json:"provisions"`
	} `json:"agreements"`
}

// termVersion is one version of terms: the first takes effect with them,
// each later one at EffectiveAt.
type termVersion struct {
	EffectiveAt string          `json:"effective_at,omitempty"`
	Terms       json.RawMessage `json:"terms"`
}

// recordedAgreement is what GET /v1/agreements/{key} says of the versions
// recorded.
type recordedAgreement struct {
	Versions   []json.RawMessage `json:"versions"`
	Provisions []struct {
		Key      string            `json:"key"`
		Versions []json.RawMessage `json:"versions"`
	} `json:"provisions"`
}

// legalFrameworkBody is the body of every agreement and provision command: the fields each
// route reads (the others are left out).
type legalFrameworkBody struct {
	commandFields
	Key         string          `json:"key,omitempty"`
	Kind        string          `json:"kind,omitempty"`
	EffectiveAt string          `json:"effective_at,omitempty"`
	Terms       json.RawMessage `json:"terms"`
}

// seedAgreements records every version of the set that the store does not
// hold yet, in order, and returns the steps it took. Each command's ID
// derives from the version's place and content, so a seed interrupted and
// run again records the rest once.
func seedAgreements(ctx context.Context, c *client, w *World, set []byte, now time.Time) ([]SeedStep, error) {
	var s agreementSet
	dec := json.NewDecoder(bytes.NewReader(set))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("agreement set: %w", err)
	}
	admin := w.admin(w.Operation.Lead)
	var steps []SeedStep
	send := func(name, path string, b *legalFrameworkBody) error {
		b.CommandID = id("agreement-command", name+"/"+contentHash(b.Terms))
		b.OccurredAt = rfc3339(now)
		out, status, err := c.post(ctx, admin, path, b)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		steps = append(steps, SeedStep{Name: name, Status: status, Outcome: out})
		return nil
	}
	for _, a := range s.Agreements {
		path := "/v1/agreements/" + a.Key
		var got recordedAgreement
		var apiErr *APIError
		if err := c.get(ctx, admin, path, &got); err != nil && !(errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound) {
			return steps, fmt.Errorf("agreement %s: %w", a.Key, err)
		}
		for i, v := range a.Versions[min(len(got.Versions), len(a.Versions)):] {
			n := len(got.Versions) + i
			name := fmt.Sprintf("agreement %s v%d", a.Key, n+1)
			b, p := &legalFrameworkBody{Terms: v.Terms}, path+"/amend"
			if n == 0 {
				b.Key, b.Kind, p = a.Key, a.Kind, "/v1/agreements"
			} else {
				b.EffectiveAt = v.EffectiveAt
			}
			if err := send(name, p, b); err != nil {
				return steps, err
			}
		}
		for _, prov := range a.Provisions {
			recorded := 0
			for _, r := range got.Provisions {
				if r.Key == prov.Key {
					recorded = len(r.Versions)
				}
			}
			for i, v := range prov.Versions[min(recorded, len(prov.Versions)):] {
				n := recorded + i
				name := fmt.Sprintf("provision %s/%s v%d", a.Key, prov.Key, n+1)
				b, p := &legalFrameworkBody{Terms: v.Terms}, path+"/provisions/"+prov.Key+"/amend"
				if n == 0 {
					b.Key, p = prov.Key, path+"/provisions"
				} else {
					b.EffectiveAt = v.EffectiveAt
				}
				if err := send(name, p, b); err != nil {
					return steps, err
				}
			}
		}
	}
	return steps, nil
}

// contentHash is a short hash of terms, for command IDs.
func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
