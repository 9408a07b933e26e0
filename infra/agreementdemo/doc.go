// Package agreementdemo is the demo set of legal frameworks: agreements,
// provisions and national declarations modelled on the Schengen Convention
// (CISA Art. 40, cross-border surveillance with its 5 h urgent limit; Art.
// 41, hot pursuit, with national declarations setting distance and time
// limits and apprehension rules) and the Prüm Decision (Art. 17, joint
// operations). Every agreement of the set is marked as demo data
// (terms.demo, and its source says so): the figures are illustrative, not
// the law.
//
// The set is data, not code: demo.json is embedded as the default, and
// Parse reads any file of the same shape, so the figures are configured by
// editing or replacing the file. Load records a set through the command
// handlers — the same validation, authorization and idempotency as any
// administrator's command — and skips what is already recorded, so loading
// twice changes nothing.
//
// It imports the command layer and the domain, and no other package of
// infra/.
package agreementdemo
