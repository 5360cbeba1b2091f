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
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"log"

	"github.com/openpayer/provider-portal/shared/claimsapi"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/ingest"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/queue"
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
	env, err := require(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "CLAIMS_FEED_DLQ_URL")
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	h := &ingest.Handler{
		Claims:      &dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		DeadLetters: &queue.DeadLetters{SQS: sqs.NewFromConfig(cfg), URL: env["CLAIMS_FEED_DLQ_URL"]},
		Log:         Logger(getenv, os.Stdout),
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
