// Package authorizationevents is the authorization-events function: on a
// schedule it sends the retro authorizations' events still due (the
// submissions and documents to utilization management, reported other
// insurance to the COB unit, decisions to the notifier). The authorizations API delivers each at once
// with the same publisher; this sweep sends what that could not.
package authorizationevents

import (
	"context"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Queues are where the authorizations table's events go: utilization
// management and the COB unit (the API's), and the notifier (decisions').
var Queues = []string{portal.QueueUtilizationManagement, portal.QueueCOB, portal.QueueNotifications}

// NewPublisher delivers the authorizations table's events to queues
// (UM_QUEUE_URL, COB_QUEUE_URL, NOTIFICATIONS_QUEUE_URL, those the function
// names).
func NewPublisher(f *lambdaenv.Function, store outbox.Events, queues ...string) *outbox.Publisher {
	return sqs.NewPublisher(f, store, queues...)
}

// FromEnv builds the authorization-events function from its environment.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*outbox.Sweeper, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AuthorizationsTable, lambdaenv.UMQueue, lambdaenv.COBQueue, lambdaenv.NotificationsQueue,
		lambdaenv.StackName, lambdaenv.EventSweepGrace)
	if err != nil {
		return nil, err
	}
	return outbox.NewSweeper(f, "authorizations", NewPublisher(f, dynamo.NewStores(f).Authorizations(), Queues...)), nil
}
