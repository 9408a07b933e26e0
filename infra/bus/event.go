package bus

import (
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/eventstore"
)

// MessageOf returns the message a Subscriber delivers for ev. Consumers
// that read the log directly (a projection catching up in pages) use it to
// hand an event to code written for delivered messages — a poison queue,
// for one — in exactly the form a subscription would have.
func MessageOf(ev eventstore.RecordedEvent) *message.Message { return toMessage(ev) }
