// Package authorizationevents is the authorization-events function: on a
// schedule it sends the retro authorizations' events still due (the
// submissions and documents to utilization management, reported other
// insurance to the COB unit). The authorizations API delivers each at once
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

// NewPublisher delivers the authorizations table's events to their queues
// (UM_QUEUE_URL, COB_QUEUE_URL, which the function names).
func NewPublisher(f *lambdaenv.Function, store outbox.Events) *outbox.Publisher {
	return sqs.NewPublisher(f, store, portal.QueueUtilizationManagement, portal.QueueCOB)
}

// FromEnv builds the authorization-events function from its environment.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*outbox.Sweeper, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AuthorizationsTable, lambdaenv.UMQueue, lambdaenv.COBQueue,
		lambdaenv.StackName, lambdaenv.EventSweepGrace)
	if err != nil {
		return nil, err
	}
	return outbox.NewSweeper(f, "authorizations", NewPublisher(f, dynamo.NewStores(f).Authorizations())), nil
}
