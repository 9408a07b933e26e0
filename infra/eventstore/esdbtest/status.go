package esdbtest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Trailer keys and "exception" values the server sends with failed calls;
// clients map them to typed errors.
const (
	trailerException          = "exception"
	trailerStreamName         = "stream-name"
	trailerMaximumAppendSize  = "maximum-append-size"
	trailerRequiredProperties = "required-metadata-properties"

	exceptionMaxAppendSize   = "maximum-append-size-exceeded"
	exceptionMissingProperty = "missing-required-metadata-property"
)

// Metadata keys of an event: "type" and "content-type" are required in an
// append; every event read carries all three.
const (
	metadataType        = "type"
	metadataContentType = "content-type"
	metadataCreated     = "created"

	contentTypeJSON   = "application/json"
	contentTypeBinary = "application/octet-stream"
)

// requiredMetadata lists the metadata keys an append must carry, in the
// order the server names them.
var requiredMetadata = []string{metadataType, metadataContentType}

// errDropped is the cause of a subscription ended by DropSubscriptions.
var errDropped = errors.New("subscription dropped by the server")

// errClosing is the cause of a subscription ended by Close.
var errClosing = errors.New("server shutting down")

// withTrailer sets the call's trailers and returns err, so that the client
// sees both on the failed call.
func withTrailer(ctx context.Context, err error, kv ...string) error {
	// SetTrailer fails only when the call has already ended; the status
	// still reaches the client then, without the trailers.
	_ = grpc.SetTrailer(ctx, metadata.Pairs(kv...))
	return err
}

// missingMetadata is the server's RequiredMetadataPropertyMissing.
func missingMetadata(ctx context.Context, key string) error {
	return withTrailer(ctx,
		status.Errorf(codes.InvalidArgument, "Required Metadata Property '%s' is missing", key),
		trailerException, exceptionMissingProperty,
		trailerRequiredProperties, strings.Join(requiredMetadata, ","))
}

// maxAppendSizeExceeded is the server's MaxAppendSizeExceeded.
func maxAppendSizeExceeded(ctx context.Context, limit int) error {
	return withTrailer(ctx,
		status.Errorf(codes.InvalidArgument, "Maximum Append Size of %d Exceeded.", limit),
		trailerException, exceptionMaxAppendSize,
		trailerMaximumAppendSize, fmt.Sprint(limit))
}

// invalidArgument is the server's generic InvalidArgument status.
func invalidArgument(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}

// invalidPosition is the server's InvalidPositionException.
func invalidPosition() error {
	return status.Error(codes.InvalidArgument, "Trying to read from an invalid position.")
}

// endedStatus is the status a subscription ends with once its context is
// done: a drop or shutdown looks like a node going away (Unavailable), a
// client cancellation is reported as such.
func endedStatus(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errDropped), errors.Is(cause, errClosing):
		return status.Error(codes.Unavailable, cause.Error())
	case errors.Is(cause, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, cause.Error())
	}
	return status.Error(codes.Canceled, "subscription cancelled by the client")
}
