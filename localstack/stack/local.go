package stack

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"gopkg.in/yaml.v3"

	"github.com/openpayer/provider-portal/shared/attachmentprocessor"
	"github.com/openpayer/provider-portal/shared/attachments"
	"github.com/openpayer/provider-portal/shared/authorizationdecisions"
	"github.com/openpayer/provider-portal/shared/authorizationevents"
	"github.com/openpayer/provider-portal/shared/authorizations"
	"github.com/openpayer/provider-portal/shared/casedecisions"
	"github.com/openpayer/provider-portal/shared/caseevents"
	"github.com/openpayer/provider-portal/shared/cases"
	"github.com/openpayer/provider-portal/shared/claims"
	"github.com/openpayer/provider-portal/shared/claimsingest"
	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/letters"
	"github.com/openpayer/provider-portal/shared/notifications"
	"github.com/openpayer/provider-portal/shared/priorauthmetrics"
	"github.com/openpayer/provider-portal/shared/systemauth"
	"github.com/openpayer/provider-portal/shared/uploadexpiry"
	"github.com/openpayer/provider-portal/shared/uploads"
)

// HTTPFunc is an API Gateway (HTTP API, payload 2.0) Lambda handler.
type HTTPFunc func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// SQSFunc is an SQS event source Lambda handler with partial batch failures.
type SQSFunc func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// ScheduledFunc is a Lambda handler for EventBridge Scheduler events.
type ScheduledFunc func(context.Context, events.EventBridgeEvent) error

type sqsHandler interface {
	Handle(context.Context, events.SQSEvent) (events.SQSEventResponse, error)
}

type scheduledHandler interface {
	Handle(context.Context, events.EventBridgeEvent) error
}

func scheduledFn[H scheduledHandler](build func(context.Context, lambdaenv.Getenv) (H, error)) func(context.Context, lambdaenv.Getenv) (ScheduledFunc, error) {
	return func(ctx context.Context, getenv lambdaenv.Getenv) (ScheduledFunc, error) {
		h, err := build(ctx, getenv)
		if err != nil {
			return nil, err
		}
		return h.Handle, nil
	}
}

func httpFn(build func(context.Context, lambdaenv.Getenv) (http.Handler, error)) func(context.Context, lambdaenv.Getenv) (HTTPFunc, error) {
	return func(ctx context.Context, getenv lambdaenv.Getenv) (HTTPFunc, error) {
		h, err := build(ctx, getenv)
		if err != nil {
			return nil, err
		}
		return httpadapter.NewV2(h).ProxyWithContext, nil // as each HTTP function's main does
	}
}

func sqsFn[H sqsHandler](build func(context.Context, lambdaenv.Getenv) (H, error)) func(context.Context, lambdaenv.Getenv) (SQSFunc, error) {
	return func(ctx context.Context, getenv lambdaenv.Getenv) (SQSFunc, error) {
		h, err := build(ctx, getenv)
		if err != nil {
			return nil, err
		}
		return h.Handle, nil
	}
}

// builders maps each function of template.yaml to the FromEnv its main.go
// calls. A function missing here fails Wire loudly.
var builders = map[string]struct {
	http      func(context.Context, lambdaenv.Getenv) (HTTPFunc, error)
	sqs       func(context.Context, lambdaenv.Getenv) (SQSFunc, error)
	scheduled func(context.Context, lambdaenv.Getenv) (ScheduledFunc, error)
}{
	"ClaimsFunction":                 {http: httpFn(claims.FromEnv)},
	"ClaimsIngestFunction":           {sqs: sqsFn(claimsingest.FromEnv)},
	"UploadsFunction":                {http: httpFn(uploads.FromEnv)},
	"AttachmentsFunction":            {http: httpFn(attachments.FromEnv)},
	"AttachmentProcessorFunction":    {sqs: sqsFn(attachmentprocessor.FromEnv)},
	"DocumentEventsFunction":         {scheduled: scheduledFn(documentevents.FromEnv)},
	"UploadExpiryFunction":           {scheduled: scheduledFn(uploadexpiry.FromEnv)},
	"AuthorizationsFunction":         {http: httpFn(authorizations.FromEnv)},
	"AuthorizationEventsFunction":    {scheduled: scheduledFn(authorizationevents.FromEnv)},
	"AuthorizationDecisionsFunction": {sqs: sqsFn(authorizationdecisions.FromEnv)},
	"DisputesFunction":               {http: httpFn(cases.DisputesFromEnv)},
	"AppealsFunction":                {http: httpFn(cases.AppealsFromEnv)},
	"LettersFunction":                {http: httpFn(letters.FromEnv)},
	"CaseEventsFunction":             {scheduled: scheduledFn(caseevents.FromEnv)},
	"CaseDecisionsFunction":          {sqs: sqsFn(casedecisions.FromEnv)},
	"PriorAuthMetricsFunction":       {scheduled: scheduledFn(priorauthmetrics.FromEnv)},
	"SystemAuthFunction":             {http: httpFn(systemauth.FromEnv)},
	"NotificationsFunction":          {sqs: sqsFn(notifications.FromEnv)},
}

// AWSEnv is what Lambda would put in a function's environment to reach AWS,
// pointed at the local servers: the region, credentials, and the standard
// AWS_ENDPOINT_URL_* variables. The runner's own clients use it too.
func AWSEnv(dynamodbEndpoint, sqsEndpoint, s3Endpoint string) map[string]string {
	env := map[string]string{
		"AWS_REGION": LocalRegion, "AWS_ACCESS_KEY_ID": LocalAccessKey, "AWS_SECRET_ACCESS_KEY": LocalSecretKey,
		"AWS_ENDPOINT_URL_DYNAMODB": dynamodbEndpoint, "AWS_ENDPOINT_URL_SQS": sqsEndpoint,
		// moto's SQS process serves Secrets Manager too: secrets are few
		// and read every few minutes.
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": sqsEndpoint,
		// And KMS, for the one key a function uses itself: the system
		// tokens' signing key.
		"AWS_ENDPOINT_URL_KMS": sqsEndpoint,
		// Subscriptions' rest-hooks may be http on 127.0.0.1 here: the
		// tests' receivers. Never set in AWS (https, public addresses).
		"REST_HOOK_LOOPBACK": "allow",
	}
	if s3Endpoint != "" {
		env["AWS_ENDPOINT_URL_S3"] = s3Endpoint
		env["S3_FORCE_PATH_STYLE"] = "true" // a local S3 server has no per-bucket host names
	}
	return env
}

// functionTimeout is a function's Timeout, from its properties or the
// template's Globals, or Lambda's default of 3 seconds.
func functionTimeout(r *Resolver, props, globals *yaml.Node) (time.Duration, error) {
	for _, n := range []*yaml.Node{props, globals} {
		v, err := r.ResolveField(n, "Timeout")
		if err != nil {
			return 0, err
		}
		if v != nil {
			secs, err := strconv.Atoi(fmt.Sprint(v))
			if err != nil || secs < 1 {
				return 0, fmt.Errorf("timeout %v is not a whole number of seconds", v)
			}
			return time.Duration(secs) * time.Second, nil
		}
	}
	return 3 * time.Second, nil
}

// FunctionEnv is the environment Lambda would give the function with that
// logical ID: the template's Globals and the function's own variables,
// resolved, plus awsEnv and what Lambda sets itself. The local runner, the
// bootstraps and the wiring test all start a function with it.
func (p *Provisioned) FunctionEnv(t *Template, id string, awsEnv map[string]string) (map[string]string, error) {
	res, ok := t.Resources[id]
	if !ok {
		return nil, fmt.Errorf("no function %s in the template", id)
	}
	globalEnv, err := p.Resolver.ResolveField(&t.Globals.Function, "Environment", "Variables")
	if err != nil {
		return nil, fmt.Errorf("globals environment: %w", err)
	}
	fnEnv, err := p.Resolver.ResolveField(&res.Properties, "Environment", "Variables")
	if err != nil {
		return nil, fmt.Errorf("%s environment: %w", id, err)
	}
	name, err := p.Resolver.ResolveField(&res.Properties, "FunctionName")
	if err != nil {
		return nil, fmt.Errorf("%s name: %w", id, err)
	}
	// As Lambda sets it: the dimension of the function's metrics.
	env := map[string]string{"LOG_LEVEL": os.Getenv("LOG_LEVEL"), "AWS_LAMBDA_FUNCTION_NAME": fmt.Sprint(cmp.Or(name, any(id)))}
	for k, v := range awsEnv {
		env[k] = v
	}
	for _, src := range []any{globalEnv, fnEnv} {
		m, _ := src.(map[string]any)
		for k, v := range m {
			s := fmt.Sprint(v)
			if strings.Contains(s, "{{resolve:") {
				// A resolved secret sits in plain sight in the function's
				// configuration, and cannot rotate: read it at run time.
				return nil, fmt.Errorf("%s: %s resolves a secret into the environment; pass the secret's ARN and read it at run time", id, k)
			}
			env[k] = s
		}
	}
	return env, nil
}

// Wired is the stack's functions behind their triggers.
type Wired struct {
	Gateway   *Gateway
	Pollers   []*Poller
	Schedules []*Schedule
	// Env is each function's resolved environment, by logical ID.
	Env map[string]map[string]string
}

// Builder makes the handler of the function with that logical ID from its
// environment: in process (InProcess), or as a running bootstrap.
type Builder interface {
	HTTP(ctx context.Context, id string, env map[string]string) (HTTPFunc, error)
	SQS(ctx context.Context, id string, env map[string]string) (SQSFunc, error)
	Scheduled(ctx context.Context, id string, env map[string]string) (ScheduledFunc, error)
}

// InProcess builds each function in this process with the FromEnv its
// main.go calls.
type InProcess struct{}

func (InProcess) HTTP(ctx context.Context, id string, env map[string]string) (HTTPFunc, error) {
	b, ok := builders[id]
	if !ok || b.http == nil {
		return nil, fmt.Errorf("function %s of template.yaml has no HTTP builder in localstack/stack/local.go", id)
	}
	return b.http(ctx, func(k string) string { return env[k] })
}

func (InProcess) SQS(ctx context.Context, id string, env map[string]string) (SQSFunc, error) {
	b, ok := builders[id]
	if !ok || b.sqs == nil {
		return nil, fmt.Errorf("function %s of template.yaml has no SQS builder in localstack/stack/local.go", id)
	}
	return b.sqs(ctx, func(k string) string { return env[k] })
}

func (InProcess) Scheduled(ctx context.Context, id string, env map[string]string) (ScheduledFunc, error) {
	b, ok := builders[id]
	if !ok || b.scheduled == nil {
		return nil, fmt.Errorf("function %s of template.yaml has no scheduled builder in localstack/stack/local.go", id)
	}
	return b.scheduled(ctx, func(k string) string { return env[k] })
}

// Wire builds every function of the template in process with its resolved
// environment plus awsEnv, and connects it to its HttpApi routes and SQS
// event sources.
func Wire(ctx context.Context, c Clients, t *Template, p *Provisioned, awsEnv map[string]string, auth *DevAuth, log *slog.Logger) (*Wired, error) {
	return WireWith(ctx, InProcess{}, c, t, p, awsEnv, auth, log)
}

// WireWith is Wire with the functions made by build.
func WireWith(ctx context.Context, build Builder, c Clients, t *Template, p *Provisioned, awsEnv map[string]string, auth *DevAuth, log *slog.Logger) (*Wired, error) {
	var cors CORS
	var apiAuth struct {
		DefaultAuthorizer string
		Authorizers       map[string]struct {
			JwtConfiguration struct {
				Issuer   string `json:"issuer"`
				Audience any    `json:"audience"` // a list, or a parameter's comma-separated list

			}
		}
	}
	for _, id := range t.ResourcesOfType("AWS::Serverless::HttpApi") {
		props := t.Resources[id].Properties
		v, err := p.Resolver.ResolveField(&props, "CorsConfiguration")
		if err != nil {
			return nil, fmt.Errorf("%s CorsConfiguration: %w", id, err)
		}
		if err := decode(normaliseNumbers(v), &cors); err != nil {
			return nil, fmt.Errorf("%s CorsConfiguration: %w", id, err)
		}
		if v, err = p.Resolver.ResolveField(&props, "Auth"); err != nil {
			return nil, fmt.Errorf("%s Auth: %w", id, err)
		}
		if err := decode(v, &apiAuth); err != nil {
			return nil, fmt.Errorf("%s Auth: %w", id, err)
		}
	}
	w := &Wired{Gateway: newGateway(cors, log), Env: map[string]map[string]string{}}
	// The portal users' issuer is the development issuer, whose key signs
	// the test tokens; any other (the system clients') is found as API
	// Gateway finds it, by its discovery document.
	w.Gateway.defaultAuthorizer = apiAuth.DefaultAuthorizer
	for name, a := range apiAuth.Authorizers {
		if a.JwtConfiguration.Issuer == DevIssuer {
			w.Gateway.authorizers[name] = auth
			continue
		}
		var audiences []string
		switch aud := a.JwtConfiguration.Audience.(type) {
		case string:
			audiences = strings.Split(aud, ",")
		case []any:
			for _, x := range aud {
				audiences = append(audiences, fmt.Sprint(x))
			}
		}
		w.Gateway.authorizers[name] = &issuerVerifier{issuer: a.JwtConfiguration.Issuer, audiences: audiences,
			get: w.Gateway.localGet(p.Resolver.Params["PortalOrigin"])}
	}
	// Locally a function's physical name is its logical ID: event source
	// mappings name their function with !Ref.
	for _, id := range t.ResourcesOfType("AWS::Serverless::Function") {
		p.Resolver.Refs[id] = id
	}
	for _, id := range t.ResourcesOfType("AWS::Serverless::Function") {
		res := t.Resources[id]
		env, err := p.FunctionEnv(t, id, awsEnv)
		if err != nil {
			return nil, err
		}
		w.Env[id] = env
		timeout, err := functionTimeout(p.Resolver, &res.Properties, &t.Globals.Function)
		if err != nil {
			return nil, fmt.Errorf("%s timeout: %w", id, err)
		}
		evs, err := p.Resolver.ResolveField(&res.Properties, "Events")
		if err != nil {
			return nil, fmt.Errorf("%s events: %w", id, err)
		}
		var events map[string]struct {
			Type       string
			Properties struct {
				Method, Path          string
				Schedule              string
				Auth                  struct{ Authorizer string }
				Queue                 string
				BatchSize             int
				FunctionResponseTypes []string
				ScalingConfig         struct{ MaximumConcurrency int }
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
		var httpFn HTTPFunc
		var sqsFn SQSFunc
		var schedFn ScheduledFunc
		for _, n := range names {
			ev := events[n]
			switch ev.Type {
			case "HttpApi":
				if httpFn == nil {
					if httpFn, err = build.HTTP(ctx, id, env); err != nil {
						return nil, fmt.Errorf("build %s: %w", id, err)
					}
				}
				w.Gateway.route(strings.ToUpper(ev.Properties.Method), ev.Properties.Path, ev.Properties.Auth.Authorizer, timeout, httpFn)
			case "SQS":
				if sqsFn == nil {
					if sqsFn, err = build.SQS(ctx, id, env); err != nil {
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
				concurrency := ev.Properties.ScalingConfig.MaximumConcurrency
				if concurrency == 0 {
					concurrency = 5 // Lambda starts with five pollers
				}
				w.Pollers = append(w.Pollers, &Poller{Function: id, SQS: c.SQS, QueueURL: url, QueueARN: ev.Properties.Queue,
					BatchSize: batch, ReportFailures: report, Concurrency: concurrency, Fn: sqsFn, Log: log})
			case "Schedule":
				every, err := parseRate(ev.Properties.Schedule)
				if err != nil {
					return nil, fmt.Errorf("%s event %s: %w", id, n, err)
				}
				if schedFn == nil {
					if schedFn, err = build.Scheduled(ctx, id, env); err != nil {
						return nil, fmt.Errorf("build %s: %w", id, err)
					}
				}
				w.Schedules = append(w.Schedules, &Schedule{Function: id, Every: every, Fn: schedFn, Log: log})
			default:
				return nil, fmt.Errorf("%s event %s: the local stack does not play %s events", id, n, ev.Type)
			}
		}
	}
	if err := w.mappings(ctx, build, c, t, p, log); err != nil {
		return nil, err
	}
	return w, nil
}

// mappings plays the template's AWS::Lambda::EventSourceMapping resources
// on SQS queues, as the SQS events of SAM functions are played.
func (w *Wired) mappings(ctx context.Context, build Builder, c Clients, t *Template, p *Provisioned, log *slog.Logger) error {
	built := map[string]SQSFunc{}
	for _, id := range t.ResourcesOfType("AWS::Lambda::EventSourceMapping") {
		props := t.Resources[id].Properties
		v, err := p.Resolver.Resolve(&props)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		var m struct {
			FunctionName, EventSourceArn string
			BatchSize                    int
			FunctionResponseTypes        []string
			ScalingConfig                struct{ MaximumConcurrency int }
		}
		if err := decode(normaliseNumbers(v), &m); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		env, ok := w.Env[m.FunctionName]
		if !ok {
			return fmt.Errorf("%s: function %s is not in the template", id, m.FunctionName)
		}
		url, ok := p.QueueARNs[m.EventSourceArn]
		if !ok {
			return fmt.Errorf("%s: the local stack plays mappings on its queues only, not %s", id, m.EventSourceArn)
		}
		fn, ok := built[m.FunctionName]
		if !ok {
			if fn, err = build.SQS(ctx, m.FunctionName, env); err != nil {
				return fmt.Errorf("build %s: %w", m.FunctionName, err)
			}
			built[m.FunctionName] = fn
		}
		w.Pollers = append(w.Pollers, &Poller{Function: m.FunctionName, SQS: c.SQS, QueueURL: url, QueueARN: m.EventSourceArn,
			BatchSize: cmp.Or(m.BatchSize, 10), ReportFailures: slices.Contains(m.FunctionResponseTypes, "ReportBatchItemFailures"),
			Concurrency: cmp.Or(m.ScalingConfig.MaximumConcurrency, 5), Fn: fn, Log: log})
	}
	return nil
}
