package domaintest

import "github.com/jointops/jointops/domain"

// Registration is one call of Registry.Register.
type Registration struct {
	Type          string
	SchemaVersion uint32
	New           func() domain.Payload
}

// Registry records registrations in order, duplicates included, so tests
// can check what a RegisterEvents function announces.
type Registry struct {
	Registrations []Registration
}

// Register records the call.
func (r *Registry) Register(eventType string, schemaVersion uint32, newPayload func() domain.Payload) {
	r.Registrations = append(r.Registrations, Registration{Type: eventType, SchemaVersion: schemaVersion, New: newPayload})
}

var _ domain.Registry = (*Registry)(nil)
