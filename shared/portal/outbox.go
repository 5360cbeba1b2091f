package portal

import "time"

// Every state change core claims must hear about is recorded with the change
// itself: the write that accepts a file, or attaches one to a claim, also
// marks the upload's record as having an event due, in the same item write.
// A publisher reads the marked record, sends what is due and clears the mark
// only if nothing changed it since; a scheduled sweep resends what is still
// marked. So an event is sent at least once, whatever fails in between, and
// always under the same ID.

// EventDocumentsAttached is the type of the event that tells core claims a
// checked file is attached to a claim, so a denied claim can be reprocessed.
const EventDocumentsAttached = "documents_attached"

// AttachedEventID is the ID of the event announcing upload id on its claim:
// the same on every resend, so the consumer can drop duplicates. An upload
// is attached to one claim, once.
func AttachedEventID(uploadID string) string { return EventDocumentsAttached + ":" + uploadID }

// AttachedEventDue reports whether core claims must be told about a: an
// accepted file on a claim, not yet announced.
func (a *Attachment) AttachedEventDue() bool {
	return a.Status == UploadAccepted && a.ClaimNumber != "" && a.EventSentAt == nil
}

// Due is an upload due for something since Since: an event to deliver
// (Token identifies the mark: clearing it succeeds only if no later write
// marked the record again), or its removal.
type Due struct {
	UploadID string
	Token    string
	Since    time.Time
}

// OutboundEvent is a message to another system (utilization management,
// the COB unit) recorded in the same write as the state change it reports,
// and sent until delivered, always under its ID.
type OutboundEvent struct {
	ID    string    `json:"eventId"`
	Type  string    `json:"type"`
	Queue string    `json:"queue"` // which system: see the Queue constants
	Body  string    `json:"body"`  // the message, JSON
	At    time.Time `json:"at"`
}

// Queues that outbound events go to.
const (
	QueueUtilizationManagement = "utilization-management"
	QueueCOB                   = "cob"
)

// Event types of retro authorizations.
const (
	EventAuthorizationSubmitted = "authorization_submitted"
	EventDocumentsAdded         = "authorization_documents_added"
	EventCOBReported            = "cob_reported"
)
