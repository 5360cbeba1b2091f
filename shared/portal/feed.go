package portal

import (
	"bytes"
	"encoding/json"
)

// FeedEvent is one message of the core claims system's feed: a claim or a
// member, whole, with its version. The feed may repeat and reorder events;
// the highest version wins.
type FeedEvent struct {
	Type   string  `json:"type"` // "claim" or "member"
	Claim  *Claim  `json:"claim,omitempty"`
	Member *Member `json:"member,omitempty"`
}

// ParseFeedEvent reads and validates a feed message. Every error it returns
// is a KindInvalid *Error: retrying the message cannot help.
func ParseFeedEvent(body []byte) (FeedEvent, error) {
	var ev FeedEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, Errorf(KindInvalid, CodeInvalidFeedEvent, "not a feed event: %v", err)
	}
	switch {
	case ev.Type == "claim" && ev.Claim != nil && ev.Member == nil:
		return ev, ev.Claim.Validate()
	case ev.Type == "member" && ev.Member != nil && ev.Claim == nil:
		return ev, ev.Member.Validate()
	default:
		return ev, Errorf(KindInvalid, CodeInvalidFeedEvent,
			`an event has "type" "claim" with a "claim", or "type" "member" with a "member"`)
	}
}
