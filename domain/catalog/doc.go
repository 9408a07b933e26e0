// Package catalog lists every event type of the domain in one call, for the
// application layer to fill its codec's registry at wiring time:
//
//	reg := codec.NewRegistry()      // the application's domain.Registry
//	catalog.RegisterEvents(reg)
//
// It imports the aggregate packages and nothing else of the project; no
// aggregate package imports it.
package catalog
