package esdbtest

import (
	"regexp"
	"strings"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// defaultSearchWindow is the server's read batch size, the search window of
// a filter that asks for none.
const defaultSearchWindow = 32

// filter is a server-side $all filter on stream names or event types: a
// regular expression if one is given, else a set of prefixes.
type filter struct {
	onEventType bool
	re          *regexp.Regexp
	prefixes    []string
	// checkpointInterval is how many events a filtered subscription
	// considers (matching or not) between two checkpoints: the search
	// window times the client's multiplier.
	checkpointInterval int
}

// parseFilter decodes the filter option of a read; nil means no filter.
func parseFilter(opts *api.ReadReq_Options) (*filter, error) {
	switch fo := opts.GetFilterOption().(type) {
	case nil:
		return nil, invalidArgument("'filter_option' is required: filter or no_filter")
	case *api.ReadReq_Options_NoFilter:
		return nil, nil
	case *api.ReadReq_Options_Filter:
		return newFilter(fo.Filter)
	}
	return nil, invalidArgument("unknown filter option")
}

func newFilter(fo *api.ReadReq_Options_FilterOptions) (*filter, error) {
	f := &filter{}
	var expr *api.ReadReq_Options_FilterOptions_Expression
	switch x := fo.GetFilter().(type) {
	case *api.ReadReq_Options_FilterOptions_StreamIdentifier:
		expr = x.StreamIdentifier
	case *api.ReadReq_Options_FilterOptions_EventType:
		expr = x.EventType
		f.onEventType = true
	default:
		return nil, invalidArgument("filter: want a stream_identifier or event_type expression")
	}
	if rx := expr.GetRegex(); rx != "" {
		re, err := regexp.Compile(rx)
		if err != nil {
			return nil, invalidArgument("filter regex %q: %v", rx, err)
		}
		f.re = re
	} else {
		f.prefixes = expr.GetPrefix()
	}
	window := defaultSearchWindow
	switch w := fo.GetWindow().(type) {
	case *api.ReadReq_Options_FilterOptions_Max:
		if w.Max > 0 {
			window = int(w.Max)
		}
	case *api.ReadReq_Options_FilterOptions_Count:
	default:
		return nil, invalidArgument("filter: want a window (max or count)")
	}
	f.checkpointInterval = window * int(fo.GetCheckpointIntervalMultiplier())
	return f, nil
}

// match reports whether the record passes the filter.
func (f *filter) match(r *record) bool {
	subject := r.stream
	if f.onEventType {
		subject = r.eventType
	}
	if f.re != nil {
		return f.re.MatchString(subject)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}
