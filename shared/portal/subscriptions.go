package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// PASTopic is the Da Vinci PAS subscription topic: a result is ready for a
// pended prior authorization request.
const PASTopic = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic"

// Subscription is a system's standing request to be told when a decision
// on one of its organisation's retro authorization requests is ready (FHIR
// R4 Subscriptions Backport, the PAS topic, a rest-hook): the plan POSTs a
// notification to Endpoint, which then asks where the request stands with
// $inquire. Notifications carry no patient data (id-only or empty).
type Subscription struct {
	ID     string `json:"subscriptionId"`
	Client string `json:"clientId"`
	// Provider is the organisation whose requests it is told of; OrgNPI,
	// if set, narrows it to the requests of that requesting NPI (the PAS
	// topic's orgIdentifier filter).
	Provider ProviderID `json:"providerTin"`
	OrgNPI   string     `json:"orgNpi,omitempty"`
	Endpoint string     `json:"endpoint"`
	// Headers are sent with each notification ("Name: value"), such as
	// the endpoint's own authorization; never logged.
	Headers []string `json:"headers,omitempty"`
	// Content is id-only or empty.
	Content string     `json:"content"`
	Status  string     `json:"status"` // active, or off once ended
	Reason  string     `json:"reason,omitempty"`
	End     *time.Time `json:"end,omitempty"`
	Created time.Time  `json:"createdAt"`
	// Events counts the notifications numbered so far (the backport's
	// events-since-subscription-start).
	Events int64 `json:"eventCount"`
}

// Subscription statuses.
const (
	SubscriptionActive = "active"
	SubscriptionOff    = "off"
)

// Notification contents: the focus's reference only, or nothing but the
// subscription's status.
const (
	ContentIDOnly = "id-only"
	ContentEmpty  = "empty"
)

// Notifies reports whether the subscription is told of a decision on a
// request of provider's, requested by npi, at now.
func (s *Subscription) Notifies(provider ProviderID, npi string, now time.Time) bool {
	return s.Status == SubscriptionActive && s.Provider == provider && (s.OrgNPI == "" || s.OrgNPI == npi) &&
		(s.End == nil || now.Before(*s.End))
}

// ErrSubscriptionNotFound: no such subscription of this system's.
func ErrSubscriptionNotFound() *Error {
	return Errorf(KindNotFound, CodeSubscriptionNotFound, "There is no such subscription of your system's.")
}

// Subscriptions keeps the systems' subscriptions and numbers their
// notifications.
type Subscriptions interface {
	CreateSubscription(ctx context.Context, s *Subscription) error
	// Subscription is the client's subscription id, or
	// SUBSCRIPTION_NOT_FOUND (another client's too).
	Subscription(ctx context.Context, client, id string) (*Subscription, error)
	// EndSubscription turns the client's subscription off.
	EndSubscription(ctx context.Context, client, id string, at time.Time) (*Subscription, error)
	// ActiveSubscriptions are the active subscriptions to provider's
	// requests.
	ActiveSubscriptions(ctx context.Context, provider ProviderID) ([]Subscription, error)
	// Notification numbers the subscription's notification of an event,
	// once: a retry gets the same number, and whether it was delivered.
	Notification(ctx context.Context, subscriptionID, eventID string) (number int64, delivered bool, err error)
	// NotificationDelivered records that the endpoint took it.
	NotificationDelivered(ctx context.Context, subscriptionID, eventID string) error
}

// QueueNotifications is where decided requests go, for the systems that
// subscribed.
const QueueNotifications = "notifications"

// EventAuthorizationDecided tells the notifier that a request's state
// changed by a decision.
const EventAuthorizationDecided = "authorization_decided"

// Decided is the body of EventAuthorizationDecided: no patient data.
type Decided struct {
	AuthorizationID string     `json:"authorizationId"`
	Provider        ProviderID `json:"providerTin"`
	RequestingNPI   string     `json:"requestingNpi"`
	Status          AuthStatus `json:"status"`
	Version         int64      `json:"version"`
	At              time.Time  `json:"at"`
}

// DecidedEvent is the event recorded with a decision applied to a: one per
// version, so the same decision delivered twice is one event.
func DecidedEvent(a *Authorization, at time.Time) OutboundEvent {
	b, _ := json.Marshal(Decided{AuthorizationID: a.ID, Provider: a.Provider, RequestingNPI: a.Request.RequestingNPI,
		Status: a.Status, Version: a.Version, At: at.UTC()}) // a struct of strings and numbers always marshals
	return OutboundEvent{ID: DecidedEventID(a), Type: EventAuthorizationDecided,
		Queue: QueueNotifications, Body: string(b), At: at.UTC()}
}

// DecidedEventID is the ID of the event of a's current version.
func DecidedEventID(a *Authorization) string {
	return (&Decided{AuthorizationID: a.ID, Version: a.Version}).EventID()
}

// EventID is the ID of the event d is the body of.
func (d *Decided) EventID() string {
	return fmt.Sprintf("%s:%s:%d", EventAuthorizationDecided, d.AuthorizationID, d.Version)
}

// NewSubscriptionID is a new subscription's ID: "SUB-" and eight
// characters in two groups.
func NewSubscriptionID() string { return readableID("SUB-") }

// ValidSubscriptionID reports whether id has a subscription ID's shape.
func ValidSubscriptionID(id string) bool { return validReadable(id, "SUB-") }
