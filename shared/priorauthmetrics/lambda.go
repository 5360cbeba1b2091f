package priorauthmetrics

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the prior-auth-metrics function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AuthorizationsTable, lambdaenv.AppealsTable, lambdaenv.WebBucket)
	if err != nil {
		return nil, err
	}
	reports := dynamo.NewStores(f).Reports()
	return &Handler{Log: f.Log, Requests: reports, Appeals: reports, Site: s3.NewSite(f), Plan: f.Plan, Now: time.Now}, nil
}
