package authorizations

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/authorizationevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3/s3put"
)

// FromEnv builds the authorizations API from its environment. Its main and
// the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.OriginVerifySecret, lambdaenv.AuthorizationsTable, lambdaenv.MembersTable, lambdaenv.AttachmentsTable,
		lambdaenv.IdempotencyTable, lambdaenv.UMQueue, lambdaenv.COBQueue, lambdaenv.CursorKeySecret, lambdaenv.SystemClientsTable,
		lambdaenv.SubscriptionsTable, lambdaenv.RestHookLoopback, lambdaenv.AttachmentsBucket, lambdaenv.UploadPrefix, lambdaenv.UploadRetention)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	db.Cursors = origin.CursorKeys(f)
	store := db.AuthorizationRequests()
	return origin.Front(f, New(Deps{
		Log:               f.Log,
		Members:           db.Members(),
		Requests:          store,
		Events:            authorizationevents.NewPublisher(f, store, portal.QueueUtilizationManagement, portal.QueueCOB),
		Idempotency:       db.Idempotency(24 * time.Hour),
		Searches:          db.SearchAllowance(),
		SystemClients:     db.SystemClients(),
		Subscriptions:     db.Subscriptions(),
		LoopbackRestHooks: f.Env.Text(lambdaenv.RestHookLoopback) == "allow",
		Uploads:           db.Attachments(),
		// One signed PUT, not the S3 client: the function keeps to its
		// 10 MiB (s3put).
		Files:     s3put.New(f),
		Retention: f.Env.Duration(lambdaenv.UploadRetention),
		Plan:      f.Plan,
		Now:       time.Now,
	})), nil
}
