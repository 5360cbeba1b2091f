package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/openpayer/provider-portal/localstack/runtimeapi"
	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/malwarescan"
	"github.com/openpayer/provider-portal/shared/portal"
)

// buildBootstraps builds every function of template.yaml (and extra main
// packages) as `sam build` does, for this machine, into a temporary folder.
func buildBootstraps(tb testing.TB, extra ...string) (*stack.Template, map[string]string) {
	tb.Helper()
	root, tmpl, err := stack.RepoTemplate()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	bins := map[string]string{}
	for _, id := range tmpl.ResourcesOfType("AWS::Serverless::Function") {
		if bins[id], err = runtimeapi.Build(context.Background(), root, stack.FunctionPackage(id), dir); err != nil {
			tb.Fatal(err)
		}
	}
	for _, pkg := range extra {
		if bins[pkg], err = runtimeapi.Build(context.Background(), root, pkg, dir); err != nil {
			tb.Fatal(err)
		}
	}
	return tmpl, bins
}

// withEnv changes some functions' environment before they start.
type withEnv struct {
	stack.Builder
	set map[string]map[string]string
}

func (w withEnv) SQS(ctx context.Context, id string, env map[string]string) (stack.SQSFunc, error) {
	for k, v := range w.set[id] {
		env[k] = v
	}
	return w.Builder.SQS(ctx, id, env)
}

func (w withEnv) Scheduled(ctx context.Context, id string, env map[string]string) (stack.ScheduledFunc, error) {
	for k, v := range w.set[id] {
		env[k] = v
	}
	return w.Builder.Scheduled(ctx, id, env)
}

// The artifacts that deploy, run as Lambda runs them: each function's
// bootstrap, built with the deploy flags, reads its environment in its own
// main, and answers real API Gateway (payload 2.0) and SQS events through the
// Runtime API, against the local stack.
func TestBootstrapsServeRealEvents(t *testing.T) {
	ctx := context.Background()
	tmpl, bins := buildBootstraps(t)

	// The processor's bootstrap reads a bucket that notifies nobody, so the
	// in-process processor cannot check its file first.
	quiet := "bootstrap-test-" + strings.ToLower(portal.NewID()[:8])
	if _, err := local.Clients.S3.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &quiet}); err != nil {
		t.Fatal(err)
	}
	b := &stack.Bootstraps{Bins: bins}
	defer b.Stop()
	w, err := stack.WireWith(ctx, withEnv{b, map[string]map[string]string{"AttachmentProcessorFunction": {"ATTACHMENTS_BUCKET": quiet},
		"DocumentEventsFunction": {"EVENT_SWEEP_GRACE": "1ms"}}},
		local.Clients, tmpl, local.Res, local.AWSEnv, auth, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(w.Gateway)
	defer gw.Close()

	a := token(t, sampledata.ProviderA.TIN)
	for _, tc := range []struct {
		method, path, tok string
		body              any
		status            int
		has               string
	}{
		{"GET", "/claims/C10000000001", a, nil, 200, `"claimNumber":"C10000000001"`},
		{"GET", "/claims/C20000000001", a, nil, 404, portal.CodeClaimNotFound},
		{"GET", "/claims?memberId=" + sampledata.MemberAvery, a, nil, 200, "C10000000002"},
		{"GET", "/openapi.yaml", "", nil, 200, "openapi: 3.1"},
		{"POST", "/uploads", a, map[string]any{"fileName": "a.pdf", "size": 10}, 201, `"status":"pending"`},
		{"GET", "/claims/C10000000003/documents", a, nil, 200, `"claimNumber":"C10000000003"`},
		{"POST", "/claim-attachments", a, map[string]any{"memberId": "NOBODY-1", "serviceDate": "2026-10-01", "submissionReason": "medical_records",
			"contactEmail": "billing@example.org", "uploadIds": []string{"abc123"}}, 404, portal.CodeMemberNotFound},
	} {
		status, body := rawCallAt(t, gw.URL, tc.tok, tc.method, tc.path, tc.body)
		if status != tc.status || !strings.Contains(string(body), tc.has) {
			t.Errorf("%s %s: %d %s; want %d with %s", tc.method, tc.path, status, body, tc.status, tc.has)
		}
	}

	pollers := map[string]stack.SQSFunc{}
	for _, p := range w.Pollers {
		pollers[p.Function] = p.Fn
	}
	// claims-ingest applies a feed event in its own process.
	m := sampledata.New(portal.DateOf(time.Now())).Members[0]
	m.ID, m.Version = "BOOT-"+portal.NewID()[:8], 1
	body, _ := json.Marshal(portal.FeedEvent{Type: "member", Member: &m})
	resp, err := pollers["ClaimsIngestFunction"](ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: string(body)}}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("claims-ingest: %+v %v", resp, err)
	}
	members := &dynamo.MemberStore{DB: local.Clients.DynamoDB, Table: local.Res.Tables["MembersTable"], Now: time.Now}
	if got, err := members.Member(ctx, m.ID); err != nil || got.LastName != m.LastName {
		t.Errorf("the member claims-ingest applied: %+v %v", got, err)
	}

	// The processor checks a file its malware scan cleared by its content,
	// and records the verdict.
	id := portal.NewID()
	if err := attachments().CreateUpload(ctx, &portal.Attachment{ID: id, Provider: portal.ProviderID(sampledata.ProviderA.TIN),
		DeclaredType: filetype.PDF, ObjectKey: "uploads/" + id, Status: portal.UploadPending, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := local.Clients.S3.PutObject(ctx, &awss3.PutObjectInput{Bucket: &quiet, Key: aws.String("uploads/" + id),
		Body: bytes.NewReader(filetypetest.PDF(0))}); err != nil {
		t.Fatal(err)
	}
	ev, err := json.Marshal(malwarescan.Event{DetailType: malwarescan.DetailType, Source: malwarescan.Source,
		Detail: malwarescan.Detail{ScanStatus: "COMPLETED", S3ObjectDetails: malwarescan.ObjectDetails{BucketName: quiet, ObjectKey: "uploads/" + id},
			ScanResultDetails: malwarescan.ResultDetails{ScanResultStatus: malwarescan.NoThreatsFound}}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = pollers["AttachmentProcessorFunction"](ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m2", Body: string(ev)}}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("attachment processor: %+v %v", resp, err)
	}
	if got, err := attachments().Get(ctx, id); err != nil || got.Status != portal.UploadAccepted || got.BytesRead == 0 {
		t.Errorf("the verdict the processor recorded: %+v %v", got, err)
	}

	// The document-events sweep delivers an event left marked.
	marked := portal.NewID()
	store := attachments()
	if err := store.CreateUpload(ctx, &portal.Attachment{ID: marked, Provider: portal.ProviderID(sampledata.ProviderA.TIN),
		DeclaredType: filetype.PDF, ObjectKey: "uploads/" + marked, Status: portal.UploadPending, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Submit(ctx, portal.ProviderID(sampledata.ProviderA.TIN), []string{marked}, portal.Submission{ID: portal.NewID()}, "C10000000002"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := store.RecordCheck(ctx, marked, portal.Attachment{Status: portal.UploadAccepted, DetectedType: filetype.PDF}); !ok || err != nil {
		t.Fatalf("accept: %v %v", ok, err)
	}
	schedules := map[string]*stack.Schedule{}
	for _, s := range w.Schedules {
		schedules[s.Function] = s
	}
	if s := schedules["DocumentEventsFunction"]; s == nil || s.Every != time.Minute {
		t.Fatalf("schedules %v, want the document-events sweep every minute", schedules)
	}
	if s := schedules["UploadExpiryFunction"]; s == nil || s.Every != time.Hour {
		t.Fatalf("schedules %v, want the upload-expiry sweep every hour", schedules)
	}
	time.Sleep(5 * time.Millisecond)
	if err := schedules["DocumentEventsFunction"].Invoke(ctx); err != nil {
		t.Fatalf("document-events: %v", err)
	}
	if err := schedules["UploadExpiryFunction"].Invoke(ctx); err != nil {
		t.Fatalf("upload-expiry: %v", err)
	}
	if got, token, err := store.EventState(ctx, marked); err != nil || token != "" || got.EventSentAt == nil {
		t.Errorf("after the sweep: mark %q, sent at %v, %v", token, got.EventSentAt, err)
	}
}
