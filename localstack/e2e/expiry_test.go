package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/uploadexpiry"
	"github.com/openpayer/provider-portal/shared/uploads"
)

// expirySweep runs the upload-expiry function once, as if at now.
func expirySweep(t *testing.T, now time.Time) uploadexpiry.Result {
	t.Helper()
	e, err := uploadexpiry.FromEnv(context.Background(), env("UploadExpiryFunction", nil))
	if err != nil {
		t.Fatal(err)
	}
	e.Now = func() time.Time { return now }
	res, err := e.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// An upload never submitted is removed after its retention, file (every
// version) and record; a submitted one is kept.
func TestUnsubmittedUploadsExpire(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	forgotten := upload(t, a, "forgotten.pdf", filetypetest.PDF(0))
	waitChecked(t, a, forgotten)
	kept := upload(t, a, "kept.pdf", filetypetest.PDF(0))
	waitChecked(t, a, kept)
	status, body := call(t, a, "POST", "/claims/C10000000002/document-submissions",
		map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{kept}})
	if status != 201 {
		t.Fatalf("submission: %d %s", status, body)
	}
	rec, _ := attachments().Get(context.Background(), forgotten)
	if rec.ExpiresAt == nil || rec.ExpiresAt.Sub(rec.CreatedAt) < 7*24*time.Hour-time.Second {
		t.Fatalf("expires at %v for an upload created %v, want 7 days later", rec.ExpiresAt, rec.CreatedAt)
	}
	// A day before it is due, nothing goes.
	if res := expirySweep(t, rec.ExpiresAt.Add(-24*time.Hour)); res.Failed != 0 {
		t.Errorf("sweep: %+v", res)
	}
	if status, _ := get(t, a, "/uploads/"+forgotten); status != 200 {
		t.Fatalf("removed before its time: %d", status)
	}
	if res := expirySweep(t, rec.ExpiresAt.Add(time.Second)); res.Removed < 1 || res.Failed != 0 {
		t.Errorf("sweep: %+v", res)
	}
	if status, _ := get(t, a, "/uploads/"+forgotten); status != 404 {
		t.Errorf("an expired upload still answers %d", status)
	}
	if got, err := attachments().Get(context.Background(), forgotten); err == nil {
		t.Errorf("its record is still there: %+v", got)
	}
	waitVersions(t, "uploads/"+forgotten, nil)
	if status, _ := get(t, a, "/uploads/"+kept); status != 200 {
		t.Errorf("a submitted upload was removed: %d", status)
	}
	if len(versionsOf(t, "uploads/"+kept)) != 1 {
		t.Errorf("a submitted upload's file was removed")
	}
}

// Delete Selected whose file could not be removed (S3 unavailable) stands
// for the provider at once; the sweep removes the file and the record.
func TestAHalfFinishedDeleteIsFinished(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	id := upload(t, a, "wrong-patient.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	h, err := uploads.FromEnv(context.Background(), env("UploadsFunction", map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1"}))
	if err != nil {
		t.Fatal(err)
	}
	send := httpapitest.NewWithBody(t, h)
	if resp := send("DELETE", "/uploads/"+id, "", map[string]string{"custom:tin": sampledata.ProviderA.TIN, "sub": "user-a"}); resp.StatusCode != 204 {
		t.Fatalf("delete with S3 down: %d %s", resp.StatusCode, resp.Body)
	}
	if status, _ := get(t, a, "/uploads/"+id); status != 404 {
		t.Errorf("a deleted upload answers %d", status)
	}
	if status, body := call(t, a, "POST", "/claims/C10000000002/document-submissions",
		map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{id}}); status != 404 {
		t.Errorf("a deleted upload submitted: %d %s", status, body)
	}
	if n := len(versionsOf(t, "uploads/"+id)); n != 1 {
		t.Fatalf("%d versions before the sweep; this test needs the file left behind", n)
	}
	if res := expirySweep(t, time.Now()); res.Removed < 1 || res.Failed != 0 {
		t.Errorf("sweep: %+v", res)
	}
	waitVersions(t, "uploads/"+id, nil)
	if got, err := attachments().Get(context.Background(), id); portal.ErrorCode(err) != portal.CodeUploadNotFound {
		t.Errorf("record after the sweep: %+v %v", got, err)
	}
}

// The bucket has the template's lifecycle rules: SeaweedFS keeps them, but
// rules counted in days cannot be watched working in a test.
func TestBucketHasTheLifecycleRules(t *testing.T) {
	out, err := local.Clients.S3.GetBucketLifecycleConfiguration(context.Background(), &awss3.GetBucketLifecycleConfigurationInput{
		Bucket: aws.String(local.Res.Buckets["AttachmentsBucket"])})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rules) != 1 {
		t.Fatalf("rules %+v", out.Rules)
	}
	r := out.Rules[0]
	if r.NoncurrentVersionExpiration == nil || aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays) != 30 ||
		r.Expiration == nil || !aws.ToBool(r.Expiration.ExpiredObjectDeleteMarker) || r.Expiration.Days != nil ||
		r.AbortIncompleteMultipartUpload == nil || r.Filter == nil || aws.ToString(r.Filter.Prefix) != "uploads/" {
		t.Errorf("rule %+v: want noncurrent versions after 30 days, delete markers, incomplete uploads, under uploads/ only, and no expiry of current files", r)
	}
}
