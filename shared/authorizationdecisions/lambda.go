package authorizationdecisions

import (
	"context"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the authorization-decisions function from its environment.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AuthorizationsTable, lambdaenv.DecisionsDLQ, lambdaenv.NotificationsQueue)
	if err != nil {
		return nil, err
	}
	store := dynamo.NewStores(f).Authorizations()
	return New(Deps{
		Log:         f.Log,
		Requests:    store,
		DeadLetters: sqs.NewDeadLetters(f, lambdaenv.DecisionsDLQ),
		Events:      sqs.NewPublisher(f, store, portal.QueueNotifications),
	}), nil
}
