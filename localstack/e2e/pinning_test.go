package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
)

// versionsOf lists the versions the attachments bucket keeps of key.
func versionsOf(t *testing.T, key string) []string {
	t.Helper()
	out, err := local.Clients.S3.ListObjectVersions(context.Background(), &awss3.ListObjectVersionsInput{
		Bucket: aws.String(local.Res.Buckets["AttachmentsBucket"]), Prefix: &key})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == key {
			ids = append(ids, aws.ToString(v.VersionId))
		}
	}
	return ids
}

// waitVersions waits until the bucket keeps exactly want of key.
func waitVersions(t *testing.T, key string, want []string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := versionsOf(t, key)
		if len(got) == len(want) && (len(want) == 0 || got[0] == want[0]) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has versions %v, want %v", key, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// downloadOf fetches the document's download link from Attached Documents.
func downloadOf(t *testing.T, tok, claim, id string) []byte {
	t.Helper()
	for _, d := range documents(t, tok, claim) {
		if d["uploadId"] != id {
			continue
		}
		link, _ := d["downloadUrl"].(string)
		return download(t, link)
	}
	t.Fatalf("%s is not among %s's documents", id, claim)
	return nil
}

// sameSize is content cut or padded to n bytes: the form admits exactly the
// declared size.
func sameSize(content []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, content)
	return out
}

// A checked file cannot be swapped: posting its form again, before or after
// the file is submitted, with other bytes of the same size, changes nothing
// that is served or forwarded, and the posted version is removed.
func TestACheckedFileCannotBeReplaced(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	claimDocEvents(t)
	original := filetypetest.PDF(0)
	c := newUpload(t, a, "consent.pdf", len(original))
	id, key := c.Upload.UploadID, "uploads/"+c.Upload.UploadID
	if resp := postForm(t, c.Form, nil, original); resp.StatusCode/100 != 2 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	checked := waitChecked(t, a, id)
	if checked.Status != "accepted" {
		t.Fatalf("the original: %+v", checked)
	}
	rec, err := attachments().Get(context.Background(), id)
	if err != nil || rec.ObjectVersion == "" {
		t.Fatalf("record %+v %v: no version pinned", rec, err)
	}
	pinned := []string{rec.ObjectVersion}
	waitVersions(t, key, pinned)

	// Before submission: the form again, with a program of the same size.
	if resp := postForm(t, c.Form, nil, sameSize(filetypetest.Executable(), len(original))); resp.StatusCode/100 != 2 {
		t.Fatalf("the second post was refused by S3 (%d): this test needs it accepted", resp.StatusCode)
	}
	waitVersions(t, key, pinned)
	status, body := call(t, a, "POST", "/claims/C10000000002/document-submissions",
		map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{id}})
	if status != 201 {
		t.Fatalf("submission: %d %s", status, body)
	}
	if got := downloadOf(t, a, "C10000000002", id); !bytes.Equal(got, original) {
		t.Errorf("the link serves %d other bytes, want the checked file", len(got))
	}

	// After submission: again, with other PDF bytes.
	other := bytes.Replace(original, []byte("/Catalog"), []byte("/Catalox"), 1)
	if bytes.Equal(other, original) {
		t.Fatal("the replacement must differ")
	}
	if resp := postForm(t, c.Form, nil, other); resp.StatusCode/100 != 2 {
		t.Fatalf("the third post was refused by S3 (%d)", resp.StatusCode)
	}
	waitVersions(t, key, pinned)
	if got := downloadOf(t, a, "C10000000002", id); !bytes.Equal(got, original) {
		t.Errorf("after submission the link serves other bytes")
	}
	after, _ := attachments().Get(context.Background(), id)
	if after.ObjectVersion != rec.ObjectVersion || after.Size != rec.Size || after.Status != rec.Status || !after.CheckedAt.Equal(*rec.CheckedAt) {
		t.Errorf("the record changed: %+v, was %+v", after, rec)
	}
	// Core claims was told once, of the checked version.
	out, err := local.Clients.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(local.Res.Queues["ClaimDocumentsQueue"]), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range out.Messages {
		var ev struct {
			Documents []struct{ UploadID, ObjectVersion string }
		}
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
			t.Fatal(err)
		}
		for _, d := range ev.Documents {
			if d.UploadID == id {
				told++
				if d.ObjectVersion != rec.ObjectVersion {
					t.Errorf("core claims told of version %q, want %q", d.ObjectVersion, rec.ObjectVersion)
				}
			}
		}
	}
	if told != 1 {
		t.Errorf("core claims told %d times, want once", told)
	}
}
