// Package origin is what an API function reads from Secrets Manager at run
// time, so that it rotates: the origin secret (to answer only the portal's
// distribution) and the cursor key. Its own package, so that only the API
// functions link Secrets Manager.
package origin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// SecretValues reads what a function may check a secret against: its
// current value and its previous one (a rotation leaves requests signed
// with the old value in flight, or a distribution not yet redeployed).
// Values are kept for ttl, so a rotation is seen within it.
type SecretValues struct {
	client *secretsmanager.Client
	id     string
	name   string // what the secret is, for errors
	ttl    time.Duration
	now    func() time.Time

	mu      sync.Mutex
	values  []string
	fetched time.Time
}

// NewSecretValues reads secret id with cfg's credentials.
func NewSecretValues(cfg aws.Config, endpoint *string, id string, ttl time.Duration) *SecretValues {
	client := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = endpoint })
	name := id
	if i := strings.LastIndex(id, ":"); i >= 0 {
		name = id[i+1:] // an ARN's last part: the secret's name and suffix
	}
	return &SecretValues{client: client, id: id, name: name, ttl: ttl, now: time.Now}
}

// Values returns the current value and the previous one, if it has one.
func (s *SecretValues) Values(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values != nil && s.now().Sub(s.fetched) < s.ttl {
		return s.values, nil
	}
	var values []string
	for _, stage := range []string{"AWSCURRENT", "AWSPREVIOUS"} {
		out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &s.id, VersionStage: &stage})
		var notFound *smtypes.ResourceNotFoundException
		switch {
		case stage == "AWSPREVIOUS" && errors.As(err, &notFound):
			continue // never rotated
		case err != nil:
			return nil, fmt.Errorf("reading the %s value of secret %s: %w", stage, s.name, err)
		}
		values = append(values, aws.ToString(out.SecretString))
	}
	s.values, s.fetched = values, s.now()
	return values, nil
}

// CursorKeys are the keys the function's cursors are signed with, read at
// run time from CURSOR_KEY_SECRET_ARN (current and previous), so that the
// key rotates without a deploy and without breaking the pages providers
// have open. The function must name lambdaenv.CursorKeySecret.
func CursorKeys(f *lambdaenv.Function) dynamo.CursorKeys {
	return KeysOf(NewSecretValues(f.AWS, f.Endpoints["SECRETS_MANAGER"], f.Env.Text(lambdaenv.CursorKeySecret), 5*time.Minute))
}

// KeysOf are a secret's current and previous values as cursor keys.
func KeysOf(secret *SecretValues) dynamo.CursorKeys { return cursorKeys{secret} }

type cursorKeys struct{ secret *SecretValues }

func (c cursorKeys) CursorKeys(ctx context.Context) ([][]byte, error) {
	values, err := c.secret.Values(ctx)
	if err != nil {
		return nil, err
	}
	ring := make([][]byte, len(values))
	for i, v := range values {
		ring[i] = []byte(v)
	}
	return ring, nil
}

// Front is the API as it faces callers: in prod (ORIGIN_VERIFY_SECRET_ARN
// set), only requests that came through the portal's distribution are
// answered; elsewhere h itself. The function must name OriginVerifySecret.
func Front(f *lambdaenv.Function, h http.Handler) http.Handler {
	id := f.Env.Text(lambdaenv.OriginVerifySecret)
	if id == "" {
		return h
	}
	secret := NewSecretValues(f.AWS, f.Endpoints["SECRETS_MANAGER"], id, 5*time.Minute)
	return httpapi.RequireOrigin(f.Log, secret.Values, h)
}
