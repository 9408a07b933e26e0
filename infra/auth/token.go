package auth

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a principal may do in general; the operation's state narrows it.
type Role string

// The roles of Jointops.
const (
	RoleAdmin        Role = "admin"
	RoleCommander    Role = "commander"
	RoleFieldUnit    Role = "field_unit"
	RoleObserver     Role = "observer"
	RoleInvestigator Role = "investigator"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCommander, RoleFieldUnit, RoleObserver, RoleInvestigator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Claims are what a token asserts.
type Claims struct {
	Agency    string    `json:"agency"`
	Subject   string    `json:"sub"`
	Role      Role      `json:"role"`
	IssuedAt  time.Time `json:"iat"`
	ExpiresAt time.Time `json:"exp"`
	// ID identifies the token itself (for audit and revocation lists).
	ID string `json:"jti"`
}

// Validate checks the claims' shape (not their expiry).
func (c Claims) Validate() error {
	var errs []error
	if c.Agency == "" || len(c.Agency) > 128 || !utf8.ValidString(c.Agency) {
		errs = append(errs, errors.New("agency: required, at most 128 bytes of UTF-8"))
	}
	if c.Subject == "" || len(c.Subject) > 128 || !utf8.ValidString(c.Subject) {
		errs = append(errs, errors.New("subject: required, at most 128 bytes of UTF-8"))
	}
	if !c.Role.Valid() {
		errs = append(errs, fmt.Errorf("role %q: want one of %v", c.Role, Roles))
	}
	if !c.ExpiresAt.After(c.IssuedAt) {
		errs = append(errs, errors.New("expiry: must be after issue time"))
	}
	return errors.Join(errs...)
}

// Errors of Verify. All of them mean 401 at the HTTP edge.
var (
	ErrMalformed = errors.New("malformed token")
	ErrSignature = errors.New("bad token signature")
	ErrExpired   = errors.New("token expired")
)

// tokenPrefix versions the format; a future format gets a new prefix.
const tokenPrefix = "jo1."

var b64 = base64.RawURLEncoding

// Sign returns the token for c, signed with key.
func Sign(key ed25519.PrivateKey, c Claims) (string, error) {
	if err := c.Validate(); err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	signed := tokenPrefix + b64.EncodeToString(payload)
	sig := ed25519.Sign(key, []byte(signed))
	return signed + "." + b64.EncodeToString(sig), nil
}

// maxTokenLen bounds the work done on hostile input.
const maxTokenLen = 4096

// Verify checks the token's signature with pub and its expiry against now,
// and returns its claims.
func Verify(pub ed25519.PublicKey, token string, now time.Time) (Claims, error) {
	var c Claims
	if len(token) > maxTokenLen || !strings.HasPrefix(token, tokenPrefix) {
		return c, ErrMalformed
	}
	dot := strings.LastIndexByte(token, '.')
	if dot <= len(tokenPrefix) {
		return c, ErrMalformed
	}
	signed, sigText := token[:dot], token[dot+1:]
	sig, err := b64.DecodeString(sigText)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return c, ErrMalformed
	}
	if !ed25519.Verify(pub, []byte(signed), sig) {
		return c, ErrSignature
	}
	payload, err := b64.DecodeString(signed[len(tokenPrefix):])
	if err != nil {
		return c, ErrMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Claims{}, ErrMalformed
	}
	if err := c.Validate(); err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !now.Before(c.ExpiresAt) {
		return Claims{}, ErrExpired
	}
	return c, nil
}
