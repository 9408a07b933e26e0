package agreementdemo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jointops/jointops/domain/agreement"
)

//go:embed demo.json
var demoJSON []byte

// Set is a file of agreements to load: each agreement with every version
// of its terms and each provision with every version of its own.
type Set struct {
	// Description says what the set is, for whoever reads the file.
	Description string      `json:"description"`
	Agreements  []Agreement `json:"agreements"`
}

// Agreement is one agreement of a set.
type Agreement struct {
	Key  agreement.Key  `json:"key"`
	Kind agreement.Kind `json:"kind"`
	// Versions are its terms in order; the first takes effect when its
	// period in force begins, each later one at its EffectiveAt.
	Versions   []AgreementVersion `json:"versions"`
	Provisions []Provision        `json:"provisions,omitempty"`
}

// AgreementVersion is one version of an agreement's terms.
type AgreementVersion struct {
	EffectiveAt time.Time       `json:"effective_at,omitzero"`
	Terms       agreement.Terms `json:"terms"`
}

// Provision is one provision of an agreement of a set.
type Provision struct {
	Key agreement.Key `json:"key"`
	// Versions are its terms in order; the first takes effect when its
	// validity begins, each later one at its EffectiveAt.
	Versions []ProvisionVersion `json:"versions"`
}

// ProvisionVersion is one version of a provision's terms.
type ProvisionVersion struct {
	EffectiveAt time.Time                `json:"effective_at,omitzero"`
	Terms       agreement.ProvisionTerms `json:"terms"`
}

// Default returns the embedded demo set.
func Default() (Set, error) { return Parse(bytes.NewReader(demoJSON)) }

// DefaultJSON returns the embedded demo set as its file, for a client that
// records it through the HTTP API (as `jointops serve --demo` does).
func DefaultJSON() []byte { return bytes.Clone(demoJSON) }

// Parse reads a set: one JSON object of known fields, every agreement and
// provision with at least one version, every version after the first with
// an effective time. The terms themselves are checked when loaded, by the
// aggregate.
func Parse(r io.Reader) (Set, error) {
	var s Set
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Set{}, fmt.Errorf("agreement set: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Set{}, errors.New("agreement set: unexpected data after the JSON object")
	}
	return s, s.validate()
}

func (s Set) validate() error {
	var errs []error
	seen := map[agreement.Key]bool{}
	for i, a := range s.Agreements {
		where := fmt.Sprintf("agreements[%d] (%s)", i, a.Key)
		if seen[a.Key] {
			errs = append(errs, fmt.Errorf("%s: listed twice", where))
		}
		seen[a.Key] = true
		if len(a.Versions) == 0 {
			errs = append(errs, fmt.Errorf("%s: no versions", where))
		}
		for j, v := range a.Versions {
			if j > 0 && v.EffectiveAt.IsZero() {
				errs = append(errs, fmt.Errorf("%s: versions[%d]: effective_at required after the first", where, j))
			}
		}
		provisions := map[agreement.Key]bool{}
		for j, p := range a.Provisions {
			pwhere := fmt.Sprintf("%s: provisions[%d] (%s)", where, j, p.Key)
			if provisions[p.Key] {
				errs = append(errs, fmt.Errorf("%s: listed twice", pwhere))
			}
			provisions[p.Key] = true
			if len(p.Versions) == 0 {
				errs = append(errs, fmt.Errorf("%s: no versions", pwhere))
			}
			for k, v := range p.Versions {
				if k > 0 && v.EffectiveAt.IsZero() {
					errs = append(errs, fmt.Errorf("%s: versions[%d]: effective_at required after the first", pwhere, k))
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("agreement set: %w", errors.Join(errs...))
	}
	return nil
}
