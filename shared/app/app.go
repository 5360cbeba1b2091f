// Package app builds each Lambda function from its environment: the one place
// where configuration meets code. Each functions/<name>/main.go calls its
// constructor once per cold start, and the local runner calls the same ones,
// so what runs locally is what deploys.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"log"

	"github.com/openpayer/provider-portal/shared/attachmentsapi"
	"github.com/openpayer/provider-portal/shared/claimsapi"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/ingest"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/processor"
	"github.com/openpayer/provider-portal/shared/queue"
	"github.com/openpayer/provider-portal/shared/storage"
	"github.com/openpayer/provider-portal/shared/uploadsapi"
)

// HTTPFunc is an API Gateway (HTTP API, payload 2.0) Lambda handler.
type HTTPFunc func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// SQSFunc is an SQS event source Lambda handler with partial batch failures.
type SQSFunc func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// Env reads the function's configuration; os.Getenv in Lambda.
type Env func(string) string

func require(getenv Env, names ...string) (map[string]string, error) {
	vals := map[string]string{}
	var missing []string
	for _, n := range names {
		v := getenv(n)
		if v == "" {
			missing = append(missing, n)
		}
		vals[n] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing environment: %s", strings.Join(missing, ", "))
	}
	return vals, nil
}

// Logger returns the JSON logger every function uses, at LOG_LEVEL (debug,
// info, warn or error; info if unset).
func Logger(getenv Env, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv("LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func plan(getenv Env) (portal.Plan, error) {
	id := getenv("PLAN_ID")
	if id == "" {
		id = portal.KYMarketplace.ID
	}
	p, ok := portal.Plans[id]
	if !ok {
		return portal.Plan{}, fmt.Errorf("PLAN_ID %q is not a known plan", id)
	}
	return p, nil
}

// Claims builds the claims API function.
func Claims(ctx context.Context, cfg aws.Config, getenv Env) (HTTPFunc, error) {
	env, err := require(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE")
	if err != nil {
		return nil, err
	}
	p, err := plan(getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	h := claimsapi.NewServer(Logger(getenv, os.Stdout),
		&dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		&dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		p, time.Now)
	return httpadapter.NewV2(h).ProxyWithContext, nil
}

// ClaimsIngest builds the claims-ingest function.
func ClaimsIngest(ctx context.Context, cfg aws.Config, getenv Env) (SQSFunc, error) {
	env, err := require(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "CLAIMS_FEED_DLQ_URL", "CLAIM_DOCUMENTS_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	q := sqs.NewFromConfig(cfg)
	h := &ingest.Handler{
		Claims:      &dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		Attachments: &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Events:      &queue.DocumentEvents{SQS: q, URL: env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		DeadLetters: &queue.DeadLetters{SQS: q, URL: env["CLAIMS_FEED_DLQ_URL"]},
		Log:         Logger(getenv, os.Stdout),
	}
	return h.Handle, nil
}

// files builds the attachments bucket adapter. S3_FORCE_PATH_STYLE serves
// S3-compatible servers without per-bucket host names; AWS needs it unset.
func files(cfg aws.Config, getenv Env, bucket string) (*storage.Files, error) {
	formTTL, err := duration(getenv, "UPLOAD_FORM_TTL", 15*time.Minute)
	if err != nil {
		return nil, err
	}
	linkTTL, err := duration(getenv, "DOWNLOAD_LINK_TTL", 5*time.Minute)
	if err != nil {
		return nil, err
	}
	prefix := getenv("UPLOAD_PREFIX")
	if prefix == "" {
		prefix = "uploads/"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = getenv("S3_FORCE_PATH_STYLE") == "true"
		// Ranged GETs carry no whole-object checksum to validate.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return storage.New(client, bucket, prefix, formTTL, linkTTL), nil
}

func duration(getenv Env, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive duration such as 15m", name, v)
	}
	return d, nil
}

// withBucket reads what every function on the attachments bucket needs: the
// named variables, ATTACHMENTS_BUCKET, the plan and the bucket adapter.
func withBucket(cfg aws.Config, getenv Env, names ...string) (map[string]string, portal.Plan, *storage.Files, error) {
	env, err := require(getenv, append(names, "ATTACHMENTS_BUCKET")...)
	if err != nil {
		return nil, portal.Plan{}, nil, err
	}
	p, err := plan(getenv)
	if err != nil {
		return nil, portal.Plan{}, nil, err
	}
	f, err := files(cfg, getenv, env["ATTACHMENTS_BUCKET"])
	return env, p, f, err
}

// Uploads builds the uploads API function.
func Uploads(ctx context.Context, cfg aws.Config, getenv Env) (HTTPFunc, error) {
	env, p, f, err := withBucket(cfg, getenv, "ATTACHMENTS_TABLE", "IDEMPOTENCY_TABLE")
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	store := &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now}
	h := uploadsapi.NewServer(Logger(getenv, os.Stdout), store, f, idempotency(db, env), p, time.Now)
	return httpadapter.NewV2(h).ProxyWithContext, nil
}

func idempotency(db *dynamodb.Client, env map[string]string) *dynamo.IdempotencyStore {
	return &dynamo.IdempotencyStore{DB: db, Table: env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour}
}

// Attachments builds the documents API function.
func Attachments(ctx context.Context, cfg aws.Config, getenv Env) (HTTPFunc, error) {
	env, p, f, err := withBucket(cfg, getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL", "IDEMPOTENCY_TABLE")
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	h := attachmentsapi.NewServer(attachmentsapi.Deps{
		Log:         Logger(getenv, os.Stdout),
		Claims:      &dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		Attachments: &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Events:      &queue.DocumentEvents{SQS: sqs.NewFromConfig(cfg), URL: env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		Links:       f, Idempotency: idempotency(db, env), Plan: p, Now: time.Now,
	})
	return httpadapter.NewV2(h).ProxyWithContext, nil
}

// AttachmentProcessor builds the function that checks uploaded files.
func AttachmentProcessor(ctx context.Context, cfg aws.Config, getenv Env) (SQSFunc, error) {
	env, p, f, err := withBucket(cfg, getenv, "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	h := &processor.Handler{
		Store:  &dynamo.AttachmentStore{DB: dynamodb.NewFromConfig(cfg), Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Files:  storage.Objects{Files: f},
		Events: &queue.DocumentEvents{SQS: sqs.NewFromConfig(cfg), URL: env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		Plan:   p, Prefix: f.Prefix, Log: Logger(getenv, os.Stdout),
	}
	return h.Handle, nil
}

// Start is a function's main: it loads the AWS configuration once per cold
// start, builds the handler and hands it to the Lambda runtime.
func Start[H any](name string, build func(context.Context, aws.Config, Env) (H, error)) {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatalf("%s: load AWS config: %v", name, err)
	}
	h, err := build(ctx, cfg, os.Getenv)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	lambda.Start(h)
}
