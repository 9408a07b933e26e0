// Package domaintest is the test harness of the domain model: a
// Given/When/Then runner for aggregates (Given recorded events, When a
// decision, Then the events it raised or the rejection it returned),
// deterministic IDs and times, and a registry that records registrations.
//
// Only tests import it. It imports the standard library, testing and the
// domain kernel, never an aggregate package.
package domaintest
