package attachments

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the documents function from its environment, with only the
// DynamoDB, S3 and SQS clients it uses. Its main and the local runner both
// call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.OriginVerifySecret, lambdaenv.ClaimsTable, lambdaenv.MembersTable, lambdaenv.AttachmentsTable,
		lambdaenv.ClaimDocumentsQueue, lambdaenv.IdempotencyTable, lambdaenv.AttachmentsBucket, lambdaenv.DownloadLinkTTL)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	store := db.Attachments()
	return origin.Front(f, New(Deps{
		Log:         f.Log,
		Claims:      db.Claims(),
		Members:     db.Members(),
		Documents:   store,
		Events:      documentevents.NewPublisher(f, store),
		Links:       s3.NewFiles(f),
		Idempotency: db.Idempotency(24 * time.Hour),
		Plan:        f.Plan,
		Now:         time.Now,
	})), nil
}
