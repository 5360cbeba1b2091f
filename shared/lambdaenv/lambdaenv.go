// Package lambdaenv reads what every function takes from its environment: the
// AWS configuration Lambda provides, the plan, the logger and the names of the
// resources the template passes in. Each workflow's FromEnv uses it, so that a
// function's main and the local runner build the function the same way.
package lambdaenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Getenv reads one variable; os.Getenv in Lambda, a map in the local runner.
type Getenv func(string) string

// AWS returns the SDK configuration from the variables Lambda sets: the
// region and the execution role's credentials. It does not load the shared
// config files or the SSO, STS and instance-metadata credential chain that
// config.LoadDefaultConfig links in: a function never uses them, and they
// roughly double a bootstrap's size and its cold start.
func AWS(getenv Getenv) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set, as Lambda sets them")
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"),
		Source: "EnvironmentVariables"}
	return aws.Config{
		Region: region,
		// The processor checks a batch's files at once and a search queries
		// several members at once: keep enough connections open for them, or
		// each call past the SDK's default of 10 idle ones opens a new one.
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = 64, 16, 16
		}),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return creds, nil
		}),
	}, nil
}

// Function is what every function reads from its environment, checked
// once at init: nothing reads the environment after Load.
type Function struct {
	// Env holds the variables the function named, parsed.
	Env  Env
	Plan portal.Plan
	AWS  aws.Config
	Log  *slog.Logger // JSON to standard output, at LOG_LEVEL
	// Endpoints are the AWS_ENDPOINT_URL_* overrides by service (DYNAMODB,
	// SQS, S3): none in AWS, the local servers in the local runner.
	Endpoints map[string]*string
	// S3PathStyle serves S3-compatible servers without per-bucket host names
	// (S3_FORCE_PATH_STYLE=true); AWS needs it unset.
	S3PathStyle bool
}

// Load reads the variables the function names (an error names every one
// missing, empty or malformed), the plan, the AWS configuration and the
// logger. A function names each variable it uses, and only those: a store
// or sender built on one it did not name stops the function at init (see
// Env.Must), and the local stack's test of each function against its
// template environment catches both ways round.
func Load(getenv Getenv, vars ...Var) (*Function, error) {
	env, err := loadEnv(getenv, vars)
	if err != nil {
		return nil, err
	}
	plan, err := Plan(getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := AWS(getenv)
	if err != nil {
		return nil, err
	}
	f := &Function{Env: env, Plan: plan, AWS: cfg, Log: Logger(getenv, os.Stdout),
		Endpoints: map[string]*string{}, S3PathStyle: getenv("S3_FORCE_PATH_STYLE") == "true"}
	for _, service := range []string{"DYNAMODB", "SQS", "S3", "SECRETS_MANAGER", "KMS"} {
		f.Endpoints[service] = Endpoint(getenv, service)
	}
	return f, nil
}

// Endpoint returns the endpoint the standard AWS_ENDPOINT_URL_<SERVICE> (or
// AWS_ENDPOINT_URL) variable names for a service such as "DYNAMODB", or nil
// for the service's own. Unset in AWS; the local runner sets them.
func Endpoint(getenv Getenv, service string) *string {
	for _, name := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if v := getenv(name); v != "" {
			return &v
		}
	}
	return nil
}

// Logger returns the JSON logger every function uses, at LOG_LEVEL (debug,
// info, warn or error; info if unset).
func Logger(getenv Getenv, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv("LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
	// The function's name, as Lambda gives it, is the dimension of the
	// metrics its log lines carry.
	if name := getenv("AWS_LAMBDA_FUNCTION_NAME"); name != "" {
		log = log.With("function", name)
	}
	return log
}

// Plan returns the plan PLAN_ID names (KY Marketplace if unset).
func Plan(getenv Getenv) (portal.Plan, error) {
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
