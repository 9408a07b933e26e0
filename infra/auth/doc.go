// Package auth issues and verifies the signed bearer tokens of Jointops.
//
// A token names one agency, one subject (a person or a field unit) and one
// role, and expires. It is signed with ed25519; the key comes from a file
// (generated on first run of the embedded setup). Authorization decisions
// that depend on the operation's state (who commands, who participates) are
// made by the command handlers; this package only establishes who is asking.
// It must not import domain state or any other adapter.
package auth
