// Package notifications is the notifications function: for each decision
// applied to a retro authorization request (the authorization_decided
// event, recorded with the decision), it POSTs a FHIR notification to every
// active subscription of the request's organisation (filtered by the
// requesting NPI where the subscription asks), until each endpoint takes
// it. A notification that fails is retried with the message (one already
// delivered is not sent again, and keeps its number); after the queue's
// receives it is parked on the dead-letter queue, which pages.
package notifications

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Deps are the function's collaborators.
type Deps struct {
	Log           *slog.Logger
	Subscriptions portal.Subscriptions
	Clients       portal.SystemClients
	// HTTP posts to the endpoints (NewHTTPClient).
	HTTP *http.Client
	// Base is the FHIR base URL the notifications' references are on.
	Base string
	Now  func() time.Time
}

// Handler is the notifications function.
type Handler struct{ d Deps }

// New returns the notifications function.
func New(d Deps) *Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Handler{d: d}
}

// Handle notifies for a batch of decisions, a few at a time; a decision
// whose notifications did not all arrive is reported for retry.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return sqs.EachMessage(ctx, batch, 4, h.notify), nil
}

func (h *Handler) notify(ctx context.Context, msg events.SQSMessage) error {
	var ev portal.Decided
	if err := json.Unmarshal([]byte(msg.Body), &ev); err != nil || ev.AuthorizationID == "" || ev.Provider == "" {
		// Only the portal's own outbox sends here: a bug, kept by the
		// dead-letter queue after the retries, with the alarm.
		return fmt.Errorf("message %s is not a decided event", msg.MessageId)
	}
	eventID := ev.EventID()
	subs, err := h.d.Subscriptions.ActiveSubscriptions(ctx, ev.Provider)
	if err != nil {
		return err
	}
	var failed []error
	for i := range subs {
		s := &subs[i]
		if !s.Notifies(ev.Provider, ev.RequestingNPI, h.d.Now()) {
			continue
		}
		if err := h.deliver(ctx, s, eventID, ev); err != nil {
			h.d.Log.WarnContext(ctx, "notification not delivered; will retry", "subscriptionId", s.ID, "authorizationId", ev.AuthorizationID,
				"error", err.Error())
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// deliver sends the subscription its notification of the event, unless it
// was delivered already or its client no longer acts for the organisation.
func (h *Handler) deliver(ctx context.Context, s *portal.Subscription, eventID string, ev portal.Decided) error {
	c, found, err := h.d.Clients.SystemClient(ctx, s.Client)
	if err != nil {
		return err
	}
	if !found || c.Disabled || !c.ActsFor(s.Provider) {
		h.d.Log.InfoContext(ctx, "notification skipped: the client no longer acts for the organisation", "subscriptionId", s.ID, "clientId", s.Client)
		return nil
	}
	number, delivered, err := h.d.Subscriptions.Notification(ctx, s.ID, eventID)
	if err != nil || delivered {
		return err
	}
	body, err := pas.Notification(s, number, ev.At, h.d.Base, ev.AuthorizationID)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("endpoint of %s: %w", s.ID, err)
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	for _, hd := range s.Headers {
		name, value, _ := strings.Cut(hd, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := h.d.HTTP.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		// Without the address: an endpoint's URL may carry its own
		// secret, and this error is logged.
		err = ue.Err
	}
	if err != nil {
		return fmt.Errorf("post to the endpoint of %s: %w", s.ID, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the endpoint of %s answered %d", s.ID, resp.StatusCode)
	}
	if err := h.d.Subscriptions.NotificationDelivered(ctx, s.ID, eventID); err != nil {
		return err // sent: a retry sends it again, under the same number
	}
	h.d.Log.InfoContext(ctx, "notification delivered", "subscriptionId", s.ID, "authorizationId", ev.AuthorizationID, "number", number)
	return nil
}

// NewHTTPClient posts notifications: ten seconds each, no redirects (a 3xx
// is a failure), and only to public internet addresses, checked on the
// address actually dialled, so that no subscription can make the plan
// call its own network (or, with allowLoopback, 127.0.0.1 too: the local
// stack's receiver).
func NewHTTPClient(allowLoopback bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if !Public(ap.Addr()) && !(allowLoopback && ap.Addr().IsLoopback()) {
			return fmt.Errorf("%s is not a public internet address", ap.Addr())
		}
		return nil
	}}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second, MaxIdleConnsPerHost: 2, Proxy: nil}
	return &http.Client{Transport: transport, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Public reports whether a is an address on the public internet: not
// loopback, private, link-local (the instance metadata service),
// multicast, unspecified or shared (carrier-grade NAT).
func Public(a netip.Addr) bool {
	a = a.Unmap()
	shared := netip.MustParsePrefix("100.64.0.0/10")
	return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() && !a.IsLinkLocalUnicast() && !a.IsLinkLocalMulticast() &&
		!a.IsMulticast() && !a.IsUnspecified() && !a.IsInterfaceLocalMulticast() && !shared.Contains(a)
}
