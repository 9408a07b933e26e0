// Package fieldlog is the field log of one unit in one operation: the
// aggregate that records what the unit reports — positions, border
// crossings, host-authority notifications and their acknowledgements,
// surveillances and pursuits, apprehensions and handovers, seizures, use of
// force, observations, situation and post-action reports — with the
// information-handling marking of each, the corrections and retractions
// that reference earlier reports, and the relaxations of markings and the
// permissions of judicial use by their originator. Nothing is ever deleted
// or overwritten.
//
// Its stream is "unitlog-<operation id>-<unit id>": one per unit in an
// operation, so hundreds of units reporting every second never contend on
// one stream's expected revision (and a projection of one operation
// subscribes to the prefix "unitlog-<operation id>-"). For the same reason
// the log does not consult the operation: facts from the field are always
// recorded — whether the unit was attached, inside the area, on time or
// covered by a legal provision is for the compliance policy to flag, never
// for the log to refuse. The log refuses only what is malformed or
// contradicts itself: a reused report ID, a correction of nothing, the end
// of a surveillance that never started, a marking claimed for another
// agency.
//
// Like all of domain/, it performs no I/O, reads no clock (lateness comes
// from domain.Meta) and imports only the domain kernel and its value
// objects.
package fieldlog
