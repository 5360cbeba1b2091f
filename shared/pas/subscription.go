package pas

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// FHIR R4 Subscriptions Backport, as PAS uses it: a system subscribes to
// the PAS topic with a rest-hook; when a decision is ready the plan POSTs a
// notification Bundle, and the system asks with $inquire.

const (
	backport          = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"
	extFilterCriteria = backport + "backport-filter-criteria"
	extPayloadContent = backport + "backport-payload-content"
	// ProfileSubscriptionStatus is the notification's first entry.
	ProfileSubscriptionStatus = backport + "backport-subscription-status-r4"
	// ProfileSubscription is PAS's Subscription profile.
	ProfileSubscription = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-subscription"
)

// SubscriptionRequest is a Subscription resource read: what the system
// asks for, before the plan checks whose organisation it is.
type SubscriptionRequest struct {
	// OrgIdentifier is the topic's orgIdentifier filter: an NPI (or the
	// organisation's TIN), or "".
	OrgIdentifier string
	Endpoint      string
	Headers       []string
	Content       string
	End           *time.Time
	Reason        string
}

type subscriptionResource struct {
	ResourceType string `json:"resourceType"`
	Status       string `json:"status"`
	Reason       string `json:"reason"`
	Criteria     string `json:"criteria"`
	CriteriaExt  *struct {
		Extension []extension `json:"extension"`
	} `json:"_criteria"`
	End     string `json:"end"`
	Channel struct {
		Type       string   `json:"type"`
		Endpoint   string   `json:"endpoint"`
		Payload    string   `json:"payload"`
		Header     []string `json:"header"`
		PayloadExt *struct {
			Extension []extension `json:"extension"`
		} `json:"_payload"`
	} `json:"channel"`
}

type extension struct {
	URL         string `json:"url"`
	ValueString string `json:"valueString"`
	ValueCode   string `json:"valueCode"`
}

// The sentences of a subscription's problems, for the people at the
// sending system.
const (
	sayNotSubscription = "Your system's subscription could not be read. Send it again; if it keeps happening, contact your system's vendor."
	sayTopic           = "Subscribe to prior authorization results: it is the only kind of notice the plan sends."
	sayRestHook        = "Notices are sent to a web address of your system's: give one."
	sayEndpoint        = "The address for notices must be a secure web address (https) on the internet."
	sayPayload         = "Notices are sent in one format only: ask for the one the plan offers."
	sayContent         = "Notices say which request has news, or only that there is news, never the request's details: ask for one of those, then ask where the request stands."
	sayHeaders         = "Send at most 5 extra headers, each a name and a value, at most 1,000 characters."
	sayEnd             = "The end of the subscription must be a date and time in the future."
	sayFilter          = "Say which organisation the subscription is for by one of its NPIs, or leave it out."
)

// ReadSubscription reads a Subscription to the PAS topic with a rest-hook
// channel. allowLoopback lets an endpoint on 127.0.0.1 over http through
// (the local stack's test receiver); anywhere else, https only. Every
// problem is reported at once, at its FHIRPath, as INVALID_SUBSCRIPTION.
func ReadSubscription(body []byte, now time.Time, allowLoopback bool) (*SubscriptionRequest, error) {
	var s subscriptionResource
	if err := json.Unmarshal(body, &s); err != nil || s.ResourceType != "Subscription" {
		return nil, invalidSubscription(map[string]string{"Subscription": sayNotSubscription}, "not a FHIR Subscription in JSON")
	}
	f := map[string]string{}
	r := &SubscriptionRequest{Endpoint: s.Channel.Endpoint, Headers: s.Channel.Header, Content: portal.ContentIDOnly, Reason: s.Reason}
	if s.Criteria != portal.PASTopic {
		f["Subscription.criteria"] = sayTopic
	}
	if s.CriteriaExt != nil {
		for _, e := range s.CriteriaExt.Extension {
			if e.URL != extFilterCriteria {
				continue
			}
			v, ok := strings.CutPrefix(e.ValueString, "orgIdentifier=")
			if !ok || v == "" || r.OrgIdentifier != "" {
				f["Subscription.criteria.extension"] = sayFilter
				continue
			}
			r.OrgIdentifier = v
		}
	}
	if s.Channel.Type != "rest-hook" {
		f["Subscription.channel.type"] = sayRestHook
	}
	if !endpointAllowed(s.Channel.Endpoint, allowLoopback) {
		f["Subscription.channel.endpoint"] = sayEndpoint
	}
	if s.Channel.Payload != "application/fhir+json" {
		f["Subscription.channel.payload"] = sayPayload
	}
	if s.Channel.PayloadExt != nil {
		for _, e := range s.Channel.PayloadExt.Extension {
			if e.URL == extPayloadContent {
				r.Content = e.ValueCode
			}
		}
	}
	if r.Content != portal.ContentIDOnly && r.Content != portal.ContentEmpty {
		f["Subscription.channel.payload.extension"] = sayContent
	}
	if len(r.Headers) > 5 {
		f["Subscription.channel.header"] = sayHeaders
	}
	for i, h := range r.Headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(value) == "" || len(h) > 1000 || strings.ContainsAny(h, "\r\n") {
			f[fmt.Sprintf("Subscription.channel.header[%d]", i)] = sayHeaders
		}
	}
	if s.End != "" {
		end, err := time.Parse(time.RFC3339, s.End)
		if err != nil || !end.After(now) {
			f["Subscription.end"] = sayEnd
		} else {
			end = end.UTC()
			r.End = &end
		}
	}
	if len(r.Reason) > 1000 {
		r.Reason = r.Reason[:1000]
	}
	if len(f) > 0 {
		return nil, invalidSubscription(f, "a Subscription to "+portal.PASTopic+" with a rest-hook channel (https endpoint, application/fhir+json, id-only or empty content)")
	}
	return r, nil
}

// endpointAllowed: an absolute https URL with a host, no user info; or,
// when allowed, http on the loopback address.
func endpointAllowed(raw string, allowLoopback bool) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || len(raw) > 2000 || u.Fragment != "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	return allowLoopback && u.Scheme == "http" && u.Hostname() == "127.0.0.1"
}

func invalidSubscription(f map[string]string, reason string) *portal.Error {
	detail := portal.SayOneField
	if len(f) > 1 {
		detail = fmt.Sprintf(portal.SayFields, len(f))
	}
	return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidSubscription, Detail: detail, Fields: f, Reason: reason}
}

// SubscriptionResource is a subscription as the FHIR routes answer it: its
// headers are never repeated (they may hold the endpoint's secret).
func SubscriptionResource(s *portal.Subscription) map[string]any {
	status := "active"
	if s.Status != portal.SubscriptionActive {
		status = "off"
	}
	r := map[string]any{
		"resourceType": "Subscription",
		"id":           s.ID,
		"meta":         map[string]any{"profile": []any{ProfileSubscription}},
		"status":       status,
		"reason":       s.Reason,
		"criteria":     portal.PASTopic,
		"channel": map[string]any{"type": "rest-hook", "endpoint": s.Endpoint, "payload": "application/fhir+json",
			"_payload": map[string]any{"extension": []any{map[string]any{"url": extPayloadContent, "valueCode": s.Content}}}},
	}
	if r["reason"] == "" {
		r["reason"] = "Results of this organisation's prior authorization requests"
	}
	if s.OrgNPI != "" {
		r["_criteria"] = map[string]any{"extension": []any{map[string]any{"url": extFilterCriteria, "valueString": "orgIdentifier=" + s.OrgNPI}}}
	}
	if s.End != nil {
		r["end"] = s.End.UTC().Format(time.RFC3339)
	}
	return r
}

// Notification is the notification Bundle (type history) of event number
// of subscription s: the SubscriptionStatus first, then, unless the
// content is empty, the focus (the ClaimResponse of the request, at base)
// by reference only.
func Notification(s *portal.Subscription, number int64, at time.Time, base, authorizationID string) ([]byte, error) {
	focus := base + "/ClaimResponse/" + authorizationID
	event := []any{
		map[string]any{"name": "event-number", "valueString": fmt.Sprint(number)},
		map[string]any{"name": "timestamp", "valueInstant": at.UTC().Format(time.RFC3339)},
	}
	if s.Content == portal.ContentIDOnly {
		event = append(event, map[string]any{"name": "focus", "valueReference": map[string]any{"reference": focus}})
	}
	status := map[string]any{
		"resourceType": "Parameters",
		"meta":         map[string]any{"profile": []any{ProfileSubscriptionStatus}},
		"parameter": []any{
			map[string]any{"name": "subscription", "valueReference": map[string]any{"reference": base + "/Subscription/" + s.ID}},
			map[string]any{"name": "topic", "valueCanonical": portal.PASTopic},
			map[string]any{"name": "status", "valueCode": "active"},
			map[string]any{"name": "type", "valueCode": "event-notification"},
			map[string]any{"name": "events-since-subscription-start", "valueString": fmt.Sprint(number)},
			map[string]any{"name": "notification-event", "part": event},
		},
	}
	entries := []any{map[string]any{"fullUrl": "urn:uuid:" + uuidOf(s.ID+"#"+fmt.Sprint(number)), "resource": status,
		"request":  map[string]any{"method": "GET", "url": base + "/Subscription/" + s.ID + "/$status"},
		"response": map[string]any{"status": "200"}}}
	if s.Content == portal.ContentIDOnly {
		entries = append(entries, map[string]any{"fullUrl": focus,
			"request":  map[string]any{"method": "PUT", "url": "ClaimResponse/" + authorizationID},
			"response": map[string]any{"status": "200"}})
	}
	return json.Marshal(map[string]any{"resourceType": "Bundle", "type": "history", "timestamp": at.UTC().Format(time.RFC3339), "entry": entries})
}
