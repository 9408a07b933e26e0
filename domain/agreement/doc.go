// Package agreement is the Agreement aggregate: the legal frameworks of
// cross-border police work — multilateral treaties (the Schengen
// Convention, the Prüm Decision), bilateral agreements, memoranda of
// understanding and national declarations — held as versioned data, never
// hard-coded. Its stream is "agreement-<key>".
//
// An agreement has parties and a period in force; it is amended with an
// effective time, suspended, reinstated and superseded, and every change is
// an event, so the law as it stood at any instant can be reconstructed.
// Its provisions say, for (host state, sending state, action type), what a
// foreign officer may do: the offences covered, whether prior authorisation
// is needed or an urgent mode is allowed, whom to notify and by when,
// distance and time limits, apprehension, land/sea/air, weapons, the
// post-action report and the provision's validity. Provisions are versioned
// the same way. A national declaration is an agreement of one party whose
// provisions refine a treaty's (CISA Art. 41(9)).
//
// Library answers the one question the compliance rules ask: which
// provision is in force for (host, sending, action) at time t — and, when
// none is, why not.
//
// Like all of domain/, it performs no I/O, reads no clock and imports only
// the domain kernel (and agency for the contact-point purposes a
// notification goes to).
package agreement
