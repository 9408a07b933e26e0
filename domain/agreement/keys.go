package agreement

import (
	"fmt"

	"github.com/jointops/jointops/domain"
)

// Key names an agreement, or a provision within its agreement: a short
// lower-case slug such as "cisa" or "art41-hot-pursuit" — letters a–z,
// digits and single '-' or '.' between them, 2 to 64 characters. Keys are
// chosen by whoever records the agreement and never change.
type Key string

// Bounds of a key's length.
const (
	MinKeyLength = 2
	MaxKeyLength = 64
)

// ParseKey validates a key.
func ParseKey(s string) (Key, error) {
	k := Key(s)
	if !k.Valid() {
		return "", fmt.Errorf("key %q: want %d–%d characters of a–z and 0–9, separated by single '-' or '.'", s, MinKeyLength, MaxKeyLength)
	}
	return k, nil
}

// Valid reports whether k is a well-formed key.
func (k Key) Valid() bool {
	if len(k) < MinKeyLength || len(k) > MaxKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' || c == '.':
			if i == 0 || i == len(k)-1 || k[i-1] == '-' || k[i-1] == '.' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// String returns the key.
func (k Key) String() string { return string(k) }

// ProvisionRef names a provision of an agreement. A reference with an empty
// Provision names the agreement as a whole (what an agreement is superseded
// by).
type ProvisionRef struct {
	Agreement Key `json:"agreement"`
	Provision Key `json:"provision,omitempty"`
}

// IsZero reports whether r is unset.
func (r ProvisionRef) IsZero() bool { return r == ProvisionRef{} }

// String renders "agreement/provision", or "agreement" alone.
func (r ProvisionRef) String() string {
	if r.Provision == "" {
		return string(r.Agreement)
	}
	return string(r.Agreement) + "/" + string(r.Provision)
}

// Compare orders references by agreement, then provision.
func (r ProvisionRef) Compare(o ProvisionRef) int {
	switch {
	case r.Agreement < o.Agreement:
		return -1
	case r.Agreement > o.Agreement:
		return 1
	case r.Provision < o.Provision:
		return -1
	case r.Provision > o.Provision:
		return 1
	}
	return 0
}

// validate records the problems of a reference that must name a provision.
func (r ProvisionRef) validate(p *domain.Problems, field string) {
	if !r.Agreement.Valid() {
		p.Add(domain.JoinPath(field, "agreement"), "must be a key such as cisa")
	}
	if !r.Provision.Valid() {
		p.Add(domain.JoinPath(field, "provision"), "must be a key such as art41")
	}
}
