package notifications

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// FromEnv builds the notifications function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.SubscriptionsTable, lambdaenv.SystemClientsTable, lambdaenv.SystemIssuer,
		lambdaenv.RestHookLoopback)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	return New(Deps{
		Log:           f.Log,
		Subscriptions: db.Subscriptions(),
		Clients:       db.SystemClients(),
		HTTP:          NewHTTPClient(f.Env.Text(lambdaenv.RestHookLoopback) == "allow"),
		Base:          f.Env.Text(lambdaenv.SystemIssuer),
		Now:           time.Now,
	}), nil
}
