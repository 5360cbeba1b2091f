package uploads

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the uploads function from its environment, with only the
// DynamoDB and S3 clients it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	env, err := lambdaenv.Require(getenv, "ATTACHMENTS_TABLE", "IDEMPOTENCY_TABLE")
	if err != nil {
		return nil, err
	}
	plan, err := lambdaenv.Plan(getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := lambdaenv.AWS(getenv)
	if err != nil {
		return nil, err
	}
	files, err := s3.FromEnv(cfg, getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "DYNAMODB") })
	return New(Deps{
		Log:         lambdaenv.Logger(getenv, os.Stdout),
		Uploads:     &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Files:       files,
		Idempotency: &dynamo.IdempotencyStore{DB: db, Table: env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        plan,
		Now:         time.Now,
	}), nil
}
