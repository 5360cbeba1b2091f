// Package s3 keeps provider documents in the S3 attachments bucket.
// Files never pass through Lambda: providers upload with presigned POST
// forms, and the processor reads only byte ranges.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3/s3put"
)

// Files is the attachments bucket.
type Files struct {
	S3      *s3.Client
	Presign *s3.PresignClient
	Bucket  string
	// Prefix is where uploads land; the bucket notifies the uploads queue
	// for keys under it.
	Prefix string
	// FormTTL is how long an upload form stays valid; LinkTTL how long a
	// download link does.
	FormTTL, LinkTTL time.Duration
}

// New builds Files on an S3 client.
func New(client *s3.Client, bucket, prefix string, formTTL, linkTTL time.Duration) *Files {
	return &Files{S3: client, Presign: s3.NewPresignClient(client), Bucket: bucket, Prefix: prefix, FormTTL: formTTL, LinkTTL: linkTTL}
}

// Key is an upload's object key: the upload ID only, never the file name,
// which can hold a patient's name.
func (f *Files) Key(uploadID string) string { return f.Prefix + uploadID }

// Form is a presigned POST form: the client posts Fields plus the file (as
// the last field, "file") to URL.
type Form struct {
	URL     string            `json:"url"`
	Fields  map[string]string `json:"fields"`
	Expires time.Time         `json:"expiresAt"`
}

// Disposition is the Content-Disposition an object is stored with, so that
// it downloads under fileName: the name travels in the upload form's body
// and the object's metadata, never in a URL.
func Disposition(fileName string) string { return s3put.Disposition(fileName) }

// UploadForm presigns a POST of exactly key, of contentType, of exactly size
// bytes (the size the provider declared), stored to download as fileName,
// valid for FormTTL. S3 itself refuses anything else.
func (f *Files) UploadForm(ctx context.Context, key, contentType, fileName string, size int64) (Form, error) {
	expires := time.Now().Add(f.FormTTL).UTC().Truncate(time.Second)
	disposition := Disposition(fileName)
	req, err := f.Presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: &f.Bucket, Key: &key, ContentType: &contentType},
		func(o *s3.PresignPostOptions) {
			o.Expires = f.FormTTL
			o.Conditions = []any{
				[]any{"content-length-range", size, size},
				map[string]string{"Content-Type": contentType},
				map[string]string{"Content-Disposition": disposition},
			}
		})
	if err != nil {
		return Form{}, fmt.Errorf("presign upload form: %w", err)
	}
	fields := map[string]string{"Content-Type": contentType, "Content-Disposition": disposition}
	for k, v := range req.Values {
		fields[k] = v
	}
	return Form{URL: req.URL, Fields: fields, Expires: expires}, nil
}

// ErrNoObject is returned for an object that is not there.
var ErrNoObject = errors.New("no such object")

// Every read below names the object's version: a file's verdict is about
// the exact bytes of the version that was checked, and a version never
// changes. An upload form stays usable until it expires, so the same key
// may get later versions: they are not the file that was checked. An empty
// version is the latest (a bucket without versioning).

func version(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// notFound reports a 404: no such key, or no such version of it.
func notFound(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == 404
}

// Size returns the size of one version of an object.
func (f *Files) Size(ctx context.Context, key, versionID string) (int64, error) {
	out, err := f.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &f.Bucket, Key: &key, VersionId: version(versionID)})
	if notFound(err) {
		return 0, ErrNoObject
	}
	if err != nil {
		return 0, fmt.Errorf("head object: %w", err)
	}
	return aws.ToInt64(out.ContentLength), nil
}

// ReadRange fetches length bytes of one version of key at offset with a
// ranged GET: the processor checks a file without reading its whole body.
func (f *Files) ReadRange(ctx context.Context, key, versionID string, offset, length int64) ([]byte, error) {
	if length <= 0 {
		return nil, nil
	}
	rng := fmt.Sprintf("bytes=%d-%d", offset, offset+length-1)
	out, err := f.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: &f.Bucket, Key: &key, VersionId: version(versionID), Range: &rng})
	if err != nil {
		return nil, fmt.Errorf("ranged get: %w", err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, length))
	if err != nil {
		return nil, fmt.Errorf("ranged get: %w", err)
	}
	return b, nil
}

// Delete removes every version of an object. In a versioned bucket, as the
// template's is, a plain delete only adds a delete marker and the document
// stays readable by version: a refused file or one the provider removed
// must be gone.
func (f *Files) Delete(ctx context.Context, key string) error {
	var ids []types.ObjectIdentifier
	p := s3.NewListObjectVersionsPaginator(f.S3, &s3.ListObjectVersionsInput{Bucket: &f.Bucket, Prefix: &key})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list object versions: %w", err)
		}
		for _, v := range page.Versions {
			if aws.ToString(v.Key) == key { // the prefix also matches longer keys
				ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
			}
		}
		for _, m := range page.DeleteMarkers {
			if aws.ToString(m.Key) == key {
				ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
			}
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		out, err := f.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &f.Bucket,
			Delete: &types.Delete{Objects: ids[:n], Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("delete object versions: %w", err)
		}
		if len(out.Errors) > 0 {
			return fmt.Errorf("delete object versions: %d not deleted, first: %s", len(out.Errors), aws.ToString(out.Errors[0].Code))
		}
		ids = ids[n:]
	}
	return nil
}

// DeleteVersion removes one version of an object: a file posted again with
// a form already used, after the first was checked.
func (f *Files) DeleteVersion(ctx context.Context, key, versionID string) error {
	if versionID == "" {
		return errors.New("delete version: no version named")
	}
	if _, err := f.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &f.Bucket, Key: &key, VersionId: &versionID}); err != nil {
		return fmt.Errorf("delete object version: %w", err)
	}
	return nil
}

// DownloadLink presigns a GET of one version of an object, valid for
// LinkTTL. It downloads under the name the object was stored with
// (Disposition); fileName, if not empty, overrides it in the link itself,
// so it must hold no PHI.
func (f *Files) DownloadLink(ctx context.Context, key, versionID, fileName string) (string, time.Time, error) {
	in := &s3.GetObjectInput{Bucket: &f.Bucket, Key: &key, VersionId: version(versionID)}
	if fileName != "" {
		in.ResponseContentDisposition = aws.String(Disposition(fileName))
	}
	req, err := f.Presign.PresignGetObject(ctx, in, func(o *s3.PresignOptions) { o.Expires = f.LinkTTL })
	if err != nil {
		return "", time.Time{}, fmt.Errorf("presign download: %w", err)
	}
	return req.URL, time.Now().Add(f.LinkTTL).UTC().Truncate(time.Second), nil
}

// NewFiles builds the attachments bucket adapter of a function: the bucket
// ATTACHMENTS_BUCKET, which the function names to lambdaenv.Load, with the
// settings it names (UPLOAD_PREFIX, UPLOAD_FORM_TTL, DOWNLOAD_LINK_TTL; the
// defaults otherwise), at the endpoint its environment names.
func NewFiles(f *lambdaenv.Function) *Files {
	client := s3.NewFromConfig(f.AWS, func(o *s3.Options) {
		o.BaseEndpoint = f.Endpoints["S3"]
		o.UsePathStyle = f.S3PathStyle
		// Ranged GETs carry no whole-object checksum to validate.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return New(client, f.Env.Text(lambdaenv.AttachmentsBucket), f.Env.Prefix(lambdaenv.UploadPrefix),
		f.Env.Duration(lambdaenv.UploadFormTTL), f.Env.Duration(lambdaenv.DownloadLinkTTL))
}

// Put stores a small object the portal wrote itself (a letter), to download
// as fileName, encrypted by the bucket's key like every object in it.
// Writing the same bytes again is harmless.
func (f *Files) Put(ctx context.Context, key, contentType, fileName string, body []byte) error {
	_, err := f.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: &f.Bucket, Key: &key, ContentType: &contentType,
		ContentDisposition: aws.String(Disposition(fileName)),
		Body:               bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
	if err != nil {
		return fmt.Errorf("put object: %w", err)
	}
	return nil
}

// Site is the portal's web bucket (WEB_BUCKET), served at the portal's host:
// what the plan publishes there for anyone (the prior authorization
// metrics). It holds no PHI.
type Site struct {
	S3     *s3.Client
	Bucket string
}

// NewSite is the web bucket the function names to lambdaenv.Load.
func NewSite(f *lambdaenv.Function) *Site {
	client := s3.NewFromConfig(f.AWS, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = f.Endpoints["S3"], f.S3PathStyle })
	return &Site{S3: client, Bucket: f.Env.Text(lambdaenv.WebBucket)}
}

// Publish stores a page or a file of the site, cached an hour by viewers.
func (s *Site) Publish(ctx context.Context, key, contentType string, body []byte) error {
	_, err := s.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.Bucket, Key: &key, ContentType: &contentType,
		CacheControl: aws.String("public, max-age=3600"), Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
	if err != nil {
		return fmt.Errorf("publish %s: %w", key, err)
	}
	return nil
}
