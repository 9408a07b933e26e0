// Package demo is the demo of Jointops that `jointops serve --demo` starts:
// a small world of demo data and a simulator of its field units.
//
// The world (data/, embedded, every item clearly marked as demo data) is
// three neighbouring states around the Germany/Austria/Czechia tri-point in
// the Bavarian and Bohemian Forest, with hand-simplified real-shaped
// territories and land borders, four agencies with their contact points,
// and one joint operation with its unified command, org units, positions
// and a dozen field units. Seed lays the world out through the real HTTP
// API, as its administrators and commanders would, with fixed command IDs,
// so that seeding an existing store again changes nothing. The Simulator
// then drives the same API as the field units and commanders would:
// positions along roads, sightings, border crossings with host
// notifications, a pursuit, a surveillance, apprehensions, tasks and
// situation reports, continuously and deterministically for a given seed;
// every other pursuit and surveillance breaches the demo agreements (which
// Seed records when given them) so that the compliance policy raises real
// flags, which the commanders then answer.
//
// The package is a client of the documented HTTP API (docs/API.md) and
// nothing else: it must not import commands/, projections/, infra/httpapi
// or any other adapter, so that the demo exercises exactly what a real
// client can. It imports domain/geo only to validate its own geometry and to
// tell which state a simulated unit is in.
package demo
