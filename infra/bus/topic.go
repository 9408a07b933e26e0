package bus

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jointops/jointops/infra/eventstore"
)

// TopicAll is the topic that subscribes to every event of the log (except
// the bus's own offset streams). It cannot be published to.
const TopicAll = "*"

// OffsetStreamPrefix begins the names of the streams in which LogOffsets
// keeps consumer-group offsets. Subscriptions never deliver their events;
// other readers of the log (projection runners reading the store directly)
// should skip them too.
const OffsetStreamPrefix = "jointops.offsets-"

// IsOffsetStream reports whether stream holds consumer-group offsets.
func IsOffsetStream(stream string) bool {
	return strings.HasPrefix(stream, OffsetStreamPrefix)
}

// TopicMatches reports whether events of stream are delivered to
// subscribers of topic: the stream named topic itself and every stream of
// the category topic, i.e. named topic + "-" + anything (topic "operation"
// matches "operation" and "operation-7f3a…", not "operations" nor
// "operation.audit"). TopicAll matches every stream. Offset streams match
// no topic.
func TopicMatches(topic, stream string) bool {
	if IsOffsetStream(stream) {
		return false
	}
	if topic == TopicAll {
		return true
	}
	if !strings.HasPrefix(stream, topic) {
		return false
	}
	return len(stream) == len(topic) || stream[len(topic)] == '-'
}

// topicFilter narrows the store subscription of topic as far as the port's
// Filter can; TopicMatches finishes the job.
func topicFilter(topic string) eventstore.Filter {
	if topic == TopicAll {
		return eventstore.Filter{}
	}
	return eventstore.Filter{StreamPrefix: topic}
}

// checkTopic validates a topic for Subscribe (all true) or Publish.
func checkTopic(topic string, all bool) error {
	switch {
	case topic == "":
		return fmt.Errorf("%w: empty", ErrInvalidTopic)
	case topic == TopicAll:
		if all {
			return nil
		}
		return fmt.Errorf("%w: cannot publish to %q", ErrInvalidTopic, TopicAll)
	case !utf8.ValidString(topic):
		return fmt.Errorf("%w: %q is not UTF-8", ErrInvalidTopic, topic)
	case strings.HasPrefix(topic, "$"):
		return fmt.Errorf("%w: %q: streams beginning with $ belong to the store", ErrInvalidTopic, topic)
	case IsOffsetStream(topic) || OffsetStreamPrefix == topic+"-":
		return fmt.Errorf("%w: %q is reserved for consumer-group offsets", ErrInvalidTopic, topic)
	}
	return nil
}
