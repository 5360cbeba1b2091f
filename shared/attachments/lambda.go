package attachments

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the documents function from its environment, with only the
// DynamoDB, S3 and SQS clients it uses. Its main and the local runner both
// call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL", "IDEMPOTENCY_TABLE")
	if err != nil {
		return nil, err
	}
	files, err := s3.FromEnv(f)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(f)
	store := &dynamo.AttachmentStore{DB: db, Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}
	return New(Deps{
		Log:         f.Log,
		Claims:      &dynamo.ClaimStore{DB: db, Table: f.Env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: f.Env["MEMBERS_TABLE"], Now: time.Now},
		Documents:   store,
		Events:      documentevents.NewPublisher(f, store),
		Links:       files,
		Idempotency: &dynamo.IdempotencyStore{DB: db, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        f.Plan,
		Now:         time.Now,
	}), nil
}
