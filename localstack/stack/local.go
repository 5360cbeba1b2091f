package stack

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/openpayer/provider-portal/shared/app"
)

// builders maps each function of template.yaml to the constructor its main.go
// calls. A function missing here fails Wire loudly.
var builders = map[string]struct {
	http func(context.Context, aws.Config, app.Env) (app.HTTPFunc, error)
	sqs  func(context.Context, aws.Config, app.Env) (app.SQSFunc, error)
}{
	"ClaimsFunction":              {http: app.Claims},
	"ClaimsIngestFunction":        {sqs: app.ClaimsIngest},
	"UploadsFunction":             {http: app.Uploads},
	"AttachmentsFunction":         {http: app.Attachments},
	"AttachmentProcessorFunction": {sqs: app.AttachmentProcessor},
}

// AWSConfig returns the SDK configuration for local endpoints. It sets the
// standard AWS_ENDPOINT_URL_* variables, as a developer would, and loads the
// configuration the way the functions do in Lambda.
func AWSConfig(ctx context.Context, endpoint, s3Endpoint string) (aws.Config, error) {
	os.Setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
	os.Setenv("AWS_ENDPOINT_URL_SQS", endpoint)
	if s3Endpoint != "" {
		os.Setenv("AWS_ENDPOINT_URL_S3", s3Endpoint)
		// A local S3 server has no per-bucket host names.
		os.Setenv("S3_FORCE_PATH_STYLE", "true")
	}
	os.Setenv("AWS_REGION", LocalRegion)
	return config.LoadDefaultConfig(ctx, config.WithRegion(LocalRegion),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(LocalAccessKey, LocalSecretKey, "")))
}

// Wired is the stack's functions behind their triggers.
type Wired struct {
	Gateway *Gateway
	Pollers []*Poller
	// Env is each function's resolved environment, by logical ID.
	Env map[string]map[string]string
}

// Wire builds every function of the template with its resolved environment
// and connects it to its HttpApi routes and SQS event sources.
func Wire(ctx context.Context, cfg aws.Config, c Clients, t *Template, p *Provisioned, auth *DevAuth, log *slog.Logger) (*Wired, error) {
	w := &Wired{Gateway: newGateway(auth, log), Env: map[string]map[string]string{}}
	globalEnv, err := p.Resolver.ResolveField(&t.Globals.Function, "Environment", "Variables")
	if err != nil {
		return nil, fmt.Errorf("Globals environment: %w", err)
	}
	for _, id := range t.ResourcesOfType("AWS::Serverless::Function") {
		res := t.Resources[id]
		b, ok := builders[id]
		if !ok {
			return nil, fmt.Errorf("function %s of template.yaml has no builder in localstack/stack/local.go", id)
		}
		fnEnv, err := p.Resolver.ResolveField(&res.Properties, "Environment", "Variables")
		if err != nil {
			return nil, fmt.Errorf("%s environment: %w", id, err)
		}
		env := map[string]string{}
		for _, src := range []any{globalEnv, fnEnv} {
			m, _ := src.(map[string]any)
			for k, v := range m {
				env[k] = fmt.Sprint(v)
			}
		}
		w.Env[id] = env
		getenv := func(k string) string {
			if v, ok := env[k]; ok {
				return v
			}
			return os.Getenv(k)
		}
		evs, err := p.Resolver.ResolveField(&res.Properties, "Events")
		if err != nil {
			return nil, fmt.Errorf("%s events: %w", id, err)
		}
		var events map[string]struct {
			Type       string
			Properties struct {
				Method, Path          string
				Auth                  struct{ Authorizer string }
				Queue                 string
				BatchSize             int
				FunctionResponseTypes []string
			}
		}
		if err := decode(evs, &events); err != nil {
			return nil, fmt.Errorf("%s events: %w", id, err)
		}
		names := make([]string, 0, len(events))
		for n := range events {
			names = append(names, n)
		}
		sort.Strings(names)
		var httpFn app.HTTPFunc
		var sqsFn app.SQSFunc
		for _, n := range names {
			ev := events[n]
			switch ev.Type {
			case "HttpApi":
				if b.http == nil {
					return nil, fmt.Errorf("%s has HttpApi events but builds no HTTP handler", id)
				}
				if httpFn == nil {
					if httpFn, err = b.http(ctx, cfg, getenv); err != nil {
						return nil, fmt.Errorf("build %s: %w", id, err)
					}
				}
				w.Gateway.route(strings.ToUpper(ev.Properties.Method), ev.Properties.Path, ev.Properties.Auth.Authorizer != "NONE", httpFn)
			case "SQS":
				if b.sqs == nil {
					return nil, fmt.Errorf("%s has SQS events but builds no SQS handler", id)
				}
				if sqsFn == nil {
					if sqsFn, err = b.sqs(ctx, cfg, getenv); err != nil {
						return nil, fmt.Errorf("build %s: %w", id, err)
					}
				}
				url, ok := p.QueueARNs[ev.Properties.Queue]
				if !ok {
					return nil, fmt.Errorf("%s event %s: queue %s was not provisioned", id, n, ev.Properties.Queue)
				}
				batch := ev.Properties.BatchSize
				if batch == 0 {
					batch = 10
				}
				report := false
				for _, rt := range ev.Properties.FunctionResponseTypes {
					report = report || rt == "ReportBatchItemFailures"
				}
				w.Pollers = append(w.Pollers, &Poller{Function: id, SQS: c.SQS, QueueURL: url, QueueARN: ev.Properties.Queue,
					BatchSize: batch, ReportFailures: report, Fn: sqsFn, Log: log})
			default:
				return nil, fmt.Errorf("%s event %s: the local stack does not play %s events", id, n, ev.Type)
			}
		}
	}
	return w, nil
}

// Start runs every poller until ctx ends.
func (w *Wired) Start(ctx context.Context) {
	for _, p := range w.Pollers {
		go p.Run(ctx)
	}
}
