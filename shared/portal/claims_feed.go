package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
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
		return ev, Errorf(KindInvalid, CodeInvalidFeedEvent, "not a feed event: %s", feedProblem(err))
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

// feedProblem says what is wrong with a feed message without repeating any
// of it: the message's values and even its field names can hold PHI, and the
// reason goes to logs and the dead-letter queue's attributes.
func feedProblem(err error) string {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		// The path is the feed schema's own names, not the sender's.
		return "field " + ute.Field + " has the wrong type"
	case errors.As(err, &se):
		return "malformed JSON at byte " + strconv.FormatInt(se.Offset, 10)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "a field the feed does not define (its name is not repeated here)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the message is empty or cut short"
	}
	return "a value cannot be read"
}

// Upserted says what storing a versioned record from the feed did. The
// feed may deliver an event twice or out of order: an older version never
// overwrites a newer one, and the same version again is told apart, so that
// what follows a write (attaching waiting documents) is redone on a
// redelivery instead of being skipped for good.
type Upserted int

const (
	Stale    Upserted = iota // a newer version is stored; nothing changed
	Applied                  // this version is now stored
	Repeated                 // this very version was stored already
)

// Current reports whether the version sent is the one stored now.
func (u Upserted) Current() bool { return u != Stale }

func (u Upserted) String() string {
	return [...]string{"stale", "applied", "repeated"}[u]
}
