package stack_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/s3/s3put"
)

// The PAS door's signed PUT (s3put: the SDK's signer without the S3
// client) is one S3 takes, checked by an implementation independent of the
// Go SDK's: moto with authentication on (INITIAL_NO_AUTH_ACTION_COUNT)
// recomputes each request's signature with botocore for the access key its
// IAM issued, and evaluates the key's policy on the object's ARN. A PUT with the key's secret is stored as sent; one with a wrong
// secret is refused.
func TestTheSignedPutIsOneAnIndependentSignatureCheckTakes(t *testing.T) {
	ctx := context.Background()
	// The four set-up calls below go without a check; every call after
	// them is checked.
	t.Setenv("INITIAL_NO_AUTH_ACTION_COUNT", "4")
	srv, err := stack.StartMoto(ctx, "S3 with authentication", 0, filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	setup := func(service, method, path string, form url.Values) []byte {
		t.Helper()
		req, err := http.NewRequest(method, srv.Endpoint+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		// Signed only so that moto knows the service; not checked yet.
		hash := "UNSIGNED-PAYLOAD"
		req.Header.Set("X-Amz-Content-Sha256", hash)
		if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "setup", SecretAccessKey: "setup"}, req, hash, service, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s %v", method, path, resp.StatusCode, body, err)
		}
		return body
	}
	iam := func(action string, params ...string) []byte {
		form := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
		for i := 0; i < len(params); i += 2 {
			form.Set(params[i], params[i+1])
		}
		return setup("iam", "POST", "/", form)
	}
	iam("CreateUser", "UserName", "pas-door")
	var key struct {
		ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
		Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	}
	if err := xml.Unmarshal(iam("CreateAccessKey", "UserName", "pas-door"), &key); err != nil || key.ID == "" || key.Secret == "" {
		t.Fatalf("access key %+v: %v", key, err)
	}
	iam("PutUserPolicy", "UserName", "pas-door", "PolicyName", "uploads",
		"PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::attachments/uploads/*"}]}`)
	setup("s3", "PUT", "/attachments", nil)

	b := &s3put.Bucket{Region: "us-east-1", Endpoint: srv.Endpoint, PathStyle: true, Name: "attachments", Prefix: "uploads/", Attempts: 1,
		Signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), HTTP: http.DefaultClient}
	as := func(secret string) aws.CredentialsProvider {
		return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: secret}, nil
		})
	}
	body := bytes.Repeat([]byte("%PDF-1.7 operative note "), 2000)
	b.Creds = as(key.Secret)
	if err := b.Put(ctx, b.Key("d0c5"), "application/pdf", "Operative note.pdf", body); err != nil {
		t.Fatalf("the key's own PUT: %v", err)
	}
	// A signer of its own: the SDK's signer keeps derived keys by access
	// key ID, so one that signed with the right secret would go on doing so.
	b.Creds, b.Signer = as("not-the-secret"), v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := b.Put(ctx, b.Key("d0c6"), "application/pdf", "x.pdf", body); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a wrong secret: %v", err)
	}
	// Outside what the key's policy allows: refused too, so the checks ran.
	b.Creds, b.Prefix = as(key.Secret), "letters/"
	if err := b.Put(ctx, b.Key("d0c7"), "application/pdf", "x.pdf", body); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("outside the policy: %v", err)
	}
}
