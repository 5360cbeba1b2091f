package stack

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// BucketNotification is one of a bucket's QueueConfigurations.
type BucketNotification struct {
	Bucket, Prefix, Suffix, QueueURL string
}

// Notifier plays S3's event notifications to SQS for a local S3 server that
// has none: SeaweedFS's filer posts each write here, and the notifier sends
// the S3 event record that S3 would send to the queue the bucket names. It
// also stands in for GuardDuty's malware scan of the buckets the template's
// plans protect (scan.go).
type Notifier struct {
	Log    *slog.Logger
	mu     sync.RWMutex
	sqs    *sqs.Client
	s3     *s3.Client
	routes []BucketNotification
	scans  []ScanRoute
}

// SetRoutes gives the notifier its clients, the buckets' notifications and
// the malware scans to play, once they are provisioned; until then it
// delivers nothing.
func (n *Notifier) SetRoutes(c Clients, p *Provisioned) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sqs, n.s3, n.routes, n.scans = c.SQS, c.S3, p.Notifications, p.Scans
}

// filerEvent is the part of SeaweedFS's webhook payload the notifier reads.
type filerEvent struct {
	Key       string `json:"key"` // /buckets/<bucket>/<object key>
	EventType string `json:"event_type"`
	Message   struct {
		NewEntry *struct {
			Name        string `json:"name"`
			IsDirectory bool   `json:"is_directory"`
			Attributes  struct {
				FileSize int64  `json:"file_size"`
				MD5      string `json:"md5"`
			} `json:"attributes"`
			CommitTsNs int64 `json:"commit_ts_ns"`
		} `json:"new_entry"`
	} `json:"message"`
}

func (n *Notifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev filerEvent
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if err := n.forward(r.Context(), ev); err != nil {
		n.Log.Error("S3 notification not delivered", "error", err.Error())
		http.Error(w, "not delivered", http.StatusBadGateway) // the filer retries
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (n *Notifier) forward(ctx context.Context, ev filerEvent) error {
	e := ev.Message.NewEntry
	if e == nil || e.IsDirectory || (ev.EventType != "create" && ev.EventType != "update") {
		return nil
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(ev.Key, "/buckets/"), "/")
	if !ok {
		return nil
	}
	// In a versioned bucket SeaweedFS keeps each version of <key> as
	// <key>.versions/v_<version ID>; S3's record names the key and the
	// version. A version is written once: its later updates only mark it
	// noncurrent.
	var versionID string
	if k, v, found := strings.Cut(key, versionsDir); found {
		if ev.EventType != "create" || strings.Contains(v, "/") {
			return nil
		}
		key, versionID = k, v
	}
	n.mu.RLock()
	client, routes, scans := n.sqs, n.routes, n.scans
	n.mu.RUnlock()
	for _, route := range routes {
		if route.Bucket != bucket || !strings.HasPrefix(key, route.Prefix) || !strings.HasSuffix(key, route.Suffix) {
			continue
		}
		md5, _ := base64.StdEncoding.DecodeString(e.Attributes.MD5)
		rec := events.S3EventRecord{
			EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: LocalRegion,
			EventTime: time.Unix(0, e.CommitTsNs).UTC(), EventName: "ObjectCreated:Post",
			PrincipalID:       events.S3UserIdentity{PrincipalID: LocalAccessKey},
			RequestParameters: events.S3RequestParameters{SourceIPAddress: "127.0.0.1"},
			S3: events.S3Entity{
				SchemaVersion: "1.0", ConfigurationID: "local",
				Bucket: events.S3Bucket{Name: bucket, Arn: "arn:aws:s3:::" + bucket},
				Object: events.S3Object{
					// S3 sends keys URL-encoded, spaces as '+'.
					Key:  strings.ReplaceAll(url.QueryEscape(key), "%2F", "/"),
					Size: e.Attributes.FileSize, ETag: hex.EncodeToString(md5), VersionID: versionID,
					Sequencer: fmt.Sprintf("%016X", e.CommitTsNs),
				},
			},
		}
		body, err := json.Marshal(events.S3Event{Records: []events.S3EventRecord{rec}})
		if err != nil {
			return err
		}
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &route.QueueURL, MessageBody: strPtr(string(body))}); err != nil {
			return err
		}
	}
	for _, route := range scans {
		if !route.protects(bucket, key) {
			continue
		}
		md5, _ := base64.StdEncoding.DecodeString(e.Attributes.MD5)
		if err := n.scan(ctx, route, bucket, key, versionID, hex.EncodeToString(md5)); err != nil {
			return err
		}
	}
	return nil
}

// versionsDir separates a key from its version ID in the filer's paths.
const versionsDir = ".versions/v_"

func strPtr(s string) *string { return &s }
