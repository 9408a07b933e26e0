// Package agency is the Agency aggregate: a law-enforcement body of one
// state (police, border guard, customs, gendarmerie …) and its designated
// contact points, such as the authority to notify of a cross-border
// surveillance or pursuit. Its stream is "agency-<id>".
//
// Like all of domain/, it performs no I/O and imports only the domain kernel.
package agency
