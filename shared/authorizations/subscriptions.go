package authorizations

import (
	"net/http"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/portal"
)

// A system's subscriptions to decisions (FHIR R4 Subscriptions Backport,
// the PAS topic, rest-hook): it is told, by a notification that carries
// no patient data, when a decision on a request of its organisation's is
// ready, then asks with $inquire. The notifications function delivers
// them; these routes make, read and end subscriptions.

// handleSubscribe makes a subscription (scope system/Subscription.c) for
// one of the client's organisations: the filter's NPI (or TIN) names it;
// without a filter, a client of one organisation subscribes to it.
func handleSubscribe(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sys, ok := systemCaller(w, r, d)
		if !ok || !requireScope(w, r, d, sys, "Subscription", 'c') {
			return
		}
		body, err := pasBody(w, r)
		if err != nil {
			pasFail(w, r, d, err, nil)
			return
		}
		now := d.Now().UTC()
		req, err := pas.ReadSubscription(body, now, d.LoopbackRestHooks)
		if err != nil {
			pasFail(w, r, d, err, nil)
			return
		}
		var tin portal.ProviderID
		npi := ""
		switch f := req.OrgIdentifier; {
		case len(f) == 9:
			tin = portal.ProviderID(f)
		case len(f) == 10:
			npi = f
		case f != "" || len(sys.TINs) != 1:
			pasFail(w, r, d, &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidSubscription,
				Detail: "Your system acts for more than one organisation: say which one the subscription is for, by one of its NPIs.",
				Fields: map[string]string{"Subscription.criteria.extension": "Say which organisation the subscription is for by one of its NPIs."},
				Reason: "add the backport-filter-criteria extension orgIdentifier=<NPI> to _criteria"}, nil)
			return
		}
		provider, err := organisationOf(d, sys, tin, npi, "Subscription.criteria.extension")
		if err != nil {
			pasFail(w, r, d, err, nil)
			return
		}
		sub := &portal.Subscription{ID: portal.NewSubscriptionID(), Client: sys.Client, Provider: provider, OrgNPI: npi,
			Endpoint: req.Endpoint, Headers: req.Headers, Content: req.Content, Status: portal.SubscriptionActive,
			Reason: req.Reason, End: req.End, Created: now}
		if err := d.Subscriptions.CreateSubscription(r.Context(), sub); err != nil {
			pasFail(w, r, d, err, nil)
			return
		}
		httpapi.NoteProvider(r, string(provider))
		httpapi.Audit(r, d.Log, sys.As(provider), "authorizations.subscription.create", sub.ID)
		w.Header().Set("Location", "Subscription/"+sub.ID)
		writeFHIR(w, http.StatusCreated, pas.SubscriptionResource(sub))
	})
}

// handleSubscription reads (system/Subscription.r) or ends
// (system/Subscription.d) one of the client's subscriptions; another
// client's is not found.
func handleSubscription(d Deps, end bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sys, ok := systemCaller(w, r, d)
		permission := byte('r')
		if end {
			permission = 'd'
		}
		if !ok || !requireScope(w, r, d, sys, "Subscription", permission) {
			return
		}
		id := r.PathValue("subscriptionId")
		var sub *portal.Subscription
		var err error
		switch {
		case !portal.ValidSubscriptionID(id):
			err = portal.ErrSubscriptionNotFound()
		case end:
			sub, err = d.Subscriptions.EndSubscription(r.Context(), sys.Client, id, d.Now())
		default:
			sub, err = d.Subscriptions.Subscription(r.Context(), sys.Client, id)
		}
		if err != nil {
			pasFail(w, r, d, err, nil)
			return
		}
		httpapi.NoteProvider(r, string(sub.Provider))
		writeFHIR(w, http.StatusOK, pas.SubscriptionResource(sub))
	})
}
