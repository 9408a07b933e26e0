package httpapi

import (
	"errors"
	"fmt"
	"time"
)

// Errors found at the edge, before any command runs. Each is one kind of
// problem; problemFor maps them, together with the kinds of the layers
// below, to statuses in one place.
var (
	// errUnauthenticated: no bearer token, or one that does not verify.
	errUnauthenticated = errors.New("unauthenticated")
	// errMalformed: the body is not one JSON object of the expected shape.
	errMalformed = errors.New("malformed request")
	// errUnsupportedMedia: the body is not declared as application/json.
	errUnsupportedMedia = errors.New("unsupported media type")
	// errRouteNotFound: no route has this path.
	errRouteNotFound = errors.New("no such route")
	// errMethodNotAllowed: the path exists, the method does not.
	errMethodNotAllowed = errors.New("method not allowed")
)

// rateLimitedError says that the principal exceeded its request rate and
// when the next request will be allowed.
type rateLimitedError struct {
	retryAfter time.Duration
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("rate limit exceeded: retry after %s", e.retryAfter)
}

// malformed builds an errMalformed with a detail for the client.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}
