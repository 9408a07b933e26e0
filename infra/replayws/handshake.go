package replayws

import "github.com/jointops/jointops/domain"

// CodeOriginNotAllowed: the page opening the replay is not served from an
// allowed origin. The handshake and origin rules are the live boards'
// (boardws.CheckHandshake, boardws.OriginPolicy): one protocol, one client.
const CodeOriginNotAllowed domain.Code = "replay.origin_not_allowed"
