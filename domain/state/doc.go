// Package state is the State aggregate: a country taking part in joint
// operations, with its territory and its land borders with neighbours —
// reference data the rules use to tell where a located action happened and
// how far from the border. Its stream is "state-<ISO code>". Jurisdiction
// indexes a set of states to answer that for every located report, and to
// tell where a unit's path crossed into another state.
//
// Like all of domain/, it performs no I/O and imports only the domain kernel
// and its geo value objects.
package state
