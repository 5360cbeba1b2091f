package origin_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
)

// The origin secret (and the cursor key) as Secrets Manager (moto) keeps it: its value before
// any rotation, then the new and the previous value after one, so that
// requests CloudFront still signs with the old value pass until the
// distribution is redeployed.
func TestSecretsRotate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := stack.StartMoto(ctx, "SecretsManager", 0, filepath.Join(t.TempDir(), "secretsmanager.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	env := stack.AWSEnv("", "", "")
	cfg, err := lambdaenv.AWS(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = &srv.Endpoint })
	created, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("portal-origin-verify"), SecretString: aws.String("first-value")})
	if err != nil {
		t.Fatal(err)
	}
	values := origin.NewSecretValues(cfg, &srv.Endpoint, aws.ToString(created.ARN), 0)
	got, err := values.Values(ctx)
	if err != nil || !slices.Equal(got, []string{"first-value"}) {
		t.Fatalf("before a rotation: %q, %v", got, err)
	}
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: aws.String("second-value")}); err != nil {
		t.Fatal(err)
	}
	got, err = values.Values(ctx)
	if err != nil || !slices.Equal(got, []string{"second-value", "first-value"}) {
		t.Fatalf("after a rotation: %q, %v; want the new value, then the previous", got, err)
	}
	// Kept for its time to live: a request does not call Secrets Manager.
	kept := origin.NewSecretValues(cfg, &srv.Endpoint, aws.ToString(created.ARN), time.Hour)
	if _, err := kept.Values(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: aws.String("third-value")}); err != nil {
		t.Fatal(err)
	}
	if got, err := kept.Values(ctx); err != nil || got[0] != "second-value" {
		t.Errorf("within its time to live: %q, %v; want the value read first", got, err)
	}
	// The cursor key is read the same way: the current value signs, the
	// previous one still verifies (shared/dynamo's cursor tests).
	ring, err := origin.KeysOf(values).CursorKeys(ctx)
	if err != nil || len(ring) != 2 || string(ring[0]) != "third-value" || string(ring[1]) != "second-value" {
		t.Errorf("cursor keys after a rotation: %q, %v", ring, err)
	}
	// A secret that does not exist is an error, not an empty list that
	// would refuse every request without saying why.
	if _, err := origin.NewSecretValues(cfg, &srv.Endpoint, "no-such-secret", 0).Values(ctx); err == nil {
		t.Error("a missing secret read without error")
	}
}
