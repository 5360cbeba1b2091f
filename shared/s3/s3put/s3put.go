// Package s3put writes objects to an S3 bucket with one signed PUT
// (Signature Version 4, the SDK's signer), without the S3 client: a
// function that only writes objects (the PAS door, which keeps the
// documents a request carries) stays about a megabyte smaller, within its
// 10 MiB budget, where the S3 client with its endpoint rules would not.
// It does what PutObject does for this project and nothing more: one
// object, its content type and download name, the payload's SHA-256 signed
// (S3 refuses a body that is not the one signed), retried on a passing
// failure.
package s3put

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// Disposition is the Content-Disposition an object is stored with, so that
// it downloads under fileName: the name travels in a request's body or
// headers and the object's metadata, never in a URL.
func Disposition(fileName string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": fileName})
}

// Bucket is a bucket written with signed PUTs.
type Bucket struct {
	HTTP   aws.HTTPClient
	Creds  aws.CredentialsProvider
	Signer *v4.Signer
	Region string
	// Endpoint is the S3 server ("" for AWS's own, by Region); PathStyle
	// puts the bucket in the path, as S3-compatible servers need.
	Endpoint  string
	PathStyle bool
	Name      string
	// Prefix is where uploads land: the upload ID follows it.
	Prefix string
	// Attempts is how many times a PUT is tried on a passing failure (a
	// network error, a 5xx, throttling); 3 if zero.
	Attempts int
}

// New is the bucket the function names (ATTACHMENTS_BUCKET, with
// UPLOAD_PREFIX), with its AWS configuration and endpoint.
func New(f *lambdaenv.Function) *Bucket {
	b := &Bucket{HTTP: f.AWS.HTTPClient, Creds: f.AWS.Credentials, Region: f.AWS.Region, PathStyle: f.S3PathStyle,
		Name: f.Env.Text(lambdaenv.AttachmentsBucket), Prefix: f.Env.Prefix(lambdaenv.UploadPrefix),
		Signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })}
	if e := f.Endpoints["S3"]; e != nil {
		b.Endpoint = *e
	}
	return b
}

// Key is an upload's object key: the upload ID only, never the file name,
// which can hold a patient's name.
func (b *Bucket) Key(uploadID string) string { return b.Prefix + uploadID }

// url is the object's address: virtual-hosted on AWS, the bucket in the
// path on a server that needs it.
func (b *Bucket) url(key string) (string, error) {
	segments := strings.Split(key, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	path := strings.Join(segments, "/")
	if b.Endpoint == "" {
		return fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", b.Name, b.Region, path), nil
	}
	u, err := url.Parse(b.Endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("s3put: the endpoint %q is no URL", b.Endpoint)
	}
	if b.PathStyle {
		return strings.TrimSuffix(u.String(), "/") + "/" + url.PathEscape(b.Name) + "/" + path, nil
	}
	u.Host = b.Name + "." + u.Host
	return strings.TrimSuffix(u.String(), "/") + "/" + path, nil
}

// Put stores body at key, of contentType, to download as fileName,
// encrypted by the bucket's default key like every object in it. Writing
// the same bytes again is harmless.
func (b *Bucket) Put(ctx context.Context, key, contentType, fileName string, body []byte) error {
	target, err := b.url(key)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	attempts := b.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	for i := 1; ; i++ {
		retry, err := b.put(ctx, target, hash, contentType, fileName, body)
		if err == nil || !retry || i == attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(i) * 100 * time.Millisecond):
		}
	}
}

// put is one signed PUT; retry says whether another may succeed.
func (b *Bucket) put(ctx context.Context, target, hash, contentType, fileName string, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("put object: %w", err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Content-Disposition", Disposition(fileName))
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds, err := b.Creds.Retrieve(ctx)
	if err != nil {
		return false, fmt.Errorf("put object: credentials: %w", err)
	}
	if err := b.Signer.SignHTTP(ctx, creds, req, hash, "s3", b.Region, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("put object: sign: %w", err)
	}
	client := b.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("put object: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return false, nil
	}
	// S3's error: its code (SlowDown, AccessDenied, ...), never the key.
	var e struct {
		Code string `xml:"Code"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_ = xml.Unmarshal(raw, &e)
	retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || e.Code == "SlowDown" || e.Code == "RequestTimeout"
	return retry, fmt.Errorf("put object: %s %s", resp.Status, e.Code)
}
