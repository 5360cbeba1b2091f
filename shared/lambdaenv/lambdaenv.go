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
	"strings"
	"time"

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

// Function is what every function reads from its environment.
type Function struct {
	Getenv Getenv
	// Env holds the variables Load was asked for, all set.
	Env  map[string]string
	Plan portal.Plan
	AWS  aws.Config
	Log  *slog.Logger // JSON to standard output, at LOG_LEVEL
}

// Load reads the named variables (an error names every missing one), the
// plan, the AWS configuration and the logger.
func Load(getenv Getenv, names ...string) (*Function, error) {
	env, err := Require(getenv, names...)
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
	return &Function{Getenv: getenv, Env: env, Plan: plan, AWS: cfg, Log: Logger(getenv, os.Stdout)}, nil
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

// Require returns the named variables, or one error naming every missing one.
func Require(getenv Getenv, names ...string) (map[string]string, error) {
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

// Duration reads a positive duration such as 15m, or returns def if unset.
func Duration(getenv Getenv, name string, def time.Duration) (time.Duration, error) {
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
