// Package attachmentprocessor is the attachment processor: fed the malware
// scan result of every file written under the upload prefix (GuardDuty
// Malware Protection for S3, through EventBridge and the upload queue), it
// refuses a file the scan did not clear, checks a clean one by its content,
// and records the verdict; a refused file is deleted. A bucket notification
// alone checks nothing: no file is accepted before its scan.
package attachmentprocessor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/emf"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/malwarescan"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Uploads keeps the upload records. It acts for the plan, not for a
// provider: an S3 key names no provider, so RecordCheck is unscoped, and no
// HTTP handler is given it.
type Uploads interface {
	// RecordCheck stores the verdict on a pending upload; with
	// verdict.DeclaredType set, only if the file was declared as that type.
	// It returns the record as it now stands and whether this call changed
	// it, or UPLOAD_NOT_FOUND if there is none.
	RecordCheck(ctx context.Context, id string, verdict portal.Attachment) (*portal.Attachment, bool, error)
}

// Files is the part of the bucket the processor uses: each read names the
// object's version. Size returns s3.ErrNoObject for a file that is gone.
type Files interface {
	Size(ctx context.Context, key, version string) (int64, error)
	ReadRange(ctx context.Context, key, version string, offset, length int64) ([]byte, error)
	// Delete removes every version of a file; DeleteVersion one.
	Delete(ctx context.Context, key string) error
	DeleteVersion(ctx context.Context, key, version string) error
}

// Events delivers the event an upload's mark stands for, if one is due
// (documentevents.Publisher). What it fails to deliver stays marked for the
// document-events sweep.
type Events interface {
	Deliver(ctx context.Context, uploadID string) error
}

// Deps are the processor's collaborators. Prefix is where uploads land in
// the bucket: the upload ID follows it.
type Deps struct {
	Log     *slog.Logger
	Uploads Uploads
	Files   Files
	Events  Events
	Plan    portal.Plan
	Prefix  string
}

// Handler is the attachment processor function.
type Handler struct{ d Deps }

// New returns the attachment processor.
func New(d Deps) *Handler { return &Handler{d: d} }

// result is the verdict on a file of size bytes whose content is v, if it
// was declared as declared. An acceptance is recorded only on an upload
// declared as that type; a refusal whatever it was declared as.
func (h *Handler) result(declared filetype.Type, v filetype.Verdict, size, read int64, version string) portal.Attachment {
	r := portal.Attachment{Status: portal.UploadAccepted, Size: size, DetectedType: v.Type, BytesRead: read, DeclaredType: declared,
		ObjectVersion: version}
	if code, reason := h.d.Plan.CheckContent(declared, v, size); code != "" {
		r.Status, r.RejectCode, r.RejectReason, r.DeclaredType = portal.UploadRejected, code, reason, ""
	}
	return r
}

// object is one version of a file read by ranges, counting what it read.
type object struct {
	files        Files
	key, version string
	read         int64
}

func (o *object) ReadRange(ctx context.Context, offset, length int64) ([]byte, error) {
	b, err := o.files.ReadRange(ctx, o.key, o.version, offset, length)
	o.read += int64(len(b))
	return b, err
}

// Handle checks every object a batch names. A message whose processing
// failed for a passing cause is reported for retry; SQS redrives one that
// keeps failing to the dead-letter queue.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return sqs.EachMessage(ctx, batch, concurrency, func(ctx context.Context, msg events.SQSMessage) error {
		err := h.message(ctx, msg)
		if err != nil {
			h.d.Log.ErrorContext(ctx, "upload notification failed; will retry", "messageId", msg.MessageId, "error", err.Error())
		}
		return err
	}), nil
}

// concurrency is how many of a batch's files are checked at once: each
// check is a few round trips to DynamoDB and S3, so a batch of ten takes
// about as long as one.
const concurrency = 10

func (h *Handler) message(ctx context.Context, msg events.SQSMessage) error {
	ev, err := malwarescan.Parse([]byte(msg.Body))
	if err != nil {
		// A bucket notification, S3's test event or anything else: no file
		// is checked before its scan, and retrying cannot help.
		h.d.Log.WarnContext(ctx, "upload queue message is not a malware scan result; dropped", "messageId", msg.MessageId)
		return nil
	}
	obj := ev.Detail.S3ObjectDetails
	switch status := ev.Detail.ScanResultDetails.ScanResultStatus; status {
	case malwarescan.NoThreatsFound:
		return h.object(ctx, obj.ObjectKey, obj.VersionID, nil)
	case malwarescan.ThreatsFound:
		var names []string
		for _, t := range ev.Detail.ScanResultDetails.Threats {
			names = append(names, t.Name)
		}
		// The scanner's names for what it found, never the file's.
		h.d.Log.WarnContext(ctx, "malware found in an upload", "messageId", msg.MessageId, "threats", strings.Join(names, ", "))
		return h.object(ctx, obj.ObjectKey, obj.VersionID, &portal.Attachment{Status: portal.UploadRejected,
			RejectCode: portal.CodeFileHasMalware, RejectReason: portal.FileHasMalware})
	case malwarescan.Unsupported:
		return h.object(ctx, obj.ObjectKey, obj.VersionID, &portal.Attachment{Status: portal.UploadRejected,
			RejectCode: portal.CodeFileNotScannable, RejectReason: portal.FileNotScannable})
	default:
		// ACCESS_DENIED or FAILED: the scanner's fault, not the file's. The
		// file waits, unchecked; the message is retried and then parked on
		// the dead-letter queue, whose alarm pages (README: uploads DLQ).
		return fmt.Errorf("malware scan did not complete (%s)", status)
	}
}

// object checks one version of an uploaded file. The first version of an
// upload to be checked is the upload's file: its verdict and version are
// recorded together, and only that version is ever served or forwarded.
// Any other version (the same form posted again) is removed. With refusal
// (the malware scan's), the file is refused without being read.
func (h *Handler) object(ctx context.Context, key, version string, refusal *portal.Attachment) error {
	id, ok := strings.CutPrefix(key, h.d.Prefix)
	if !ok || !portal.ValidIdentifier(id) {
		h.d.Log.WarnContext(ctx, "object outside the upload prefix; ignored")
		return nil
	}
	size, err := h.d.Files.Size(ctx, key, version)
	if errors.Is(err, s3.ErrNoObject) {
		return nil // deleted since: nothing to check
	}
	if err != nil {
		return err
	}
	obj := &object{files: h.d.Files, key: key, version: version}
	var verdict filetype.Verdict
	var first portal.Attachment
	if refusal != nil {
		// A refusal is recorded whatever the file was declared as.
		first = *refusal
		first.Size, first.ObjectVersion = size, version
	} else {
		if size <= h.d.Plan.MaxUploadBytes {
			if verdict, err = filetype.Detect(ctx, obj, size); err != nil {
				return err
			}
		}
		// The verdict is written in one conditional update, as if the file
		// was declared as what it is; the record is read only when that fails.
		first = h.result(verdict.Type, verdict, size, obj.read, version)
	}
	updated, changed, err := h.d.Uploads.RecordCheck(ctx, id, first)
	if refusal == nil && err == nil && !changed && updated.Status == portal.UploadPending {
		// Declared as another type: refused for the mismatch.
		updated, changed, err = h.d.Uploads.RecordCheck(ctx, id, h.result(updated.DeclaredType, verdict, size, obj.read, version))
	}
	if portal.ErrorCode(err) == portal.CodeUploadNotFound {
		// No upload record (deleted before the file landed): no file may
		// stay without one.
		h.d.Log.WarnContext(ctx, "object without an upload record; deleted", "uploadId", id)
		return h.d.Files.Delete(ctx, key)
	}
	if err != nil {
		return err
	}
	if !changed {
		return h.checkedAlready(ctx, id, key, version, updated)
	}
	// Also metrics: verdicts by status, and refusals by code.
	metrics := []emf.Directive{{Dimensions: []string{"function", "status"}, Metrics: []emf.Metric{{Name: "uploadsChecked", Unit: "Count"}}}}
	if updated.RejectCode != "" {
		metrics = append(metrics, emf.Directive{Dimensions: []string{"function", "code"}, Metrics: []emf.Metric{{Name: "uploadsRefused", Unit: "Count"}}})
	}
	h.d.Log.InfoContext(ctx, "upload checked", "uploadId", id, "version", version, "status", string(updated.Status), "code", updated.RejectCode,
		"detectedType", string(verdict.Type), "size", size, "bytesRead", obj.read, "uploadsChecked", 1, "uploadsRefused", 1,
		emf.Attr(time.Now(), metrics...))
	if updated.Status == portal.UploadRejected {
		return h.d.Files.Delete(ctx, key)
	}
	// The acceptance marked the record in the same write. On a claim
	// already, core claims is told now; otherwise the sweep clears the mark.
	if updated.ClaimNumber != "" {
		if err := h.d.Events.Deliver(ctx, id); err != nil {
			h.d.Log.WarnContext(ctx, "document event not delivered yet; the sweep will", "uploadId", id, "error", err.Error())
		}
	}
	return nil
}

// checkedAlready handles a version of a file whose upload has its verdict.
// The same version again (a repeated or reordered notification) changes
// nothing. Another version was posted with the form after the check: it is
// not the file that was checked, and no link or event may ever serve it.
func (h *Handler) checkedAlready(ctx context.Context, id, key, version string, rec *portal.Attachment) error {
	switch {
	case rec.Status == portal.UploadPending:
		return errors.New("verdict neither recorded nor found; will retry")
	case rec.Status == portal.UploadRejected || rec.Status == portal.UploadRemoved:
		// Nothing of a refused or deleted upload stays, whichever version.
		return h.d.Files.Delete(ctx, key)
	case version == "" || version == rec.ObjectVersion:
		return nil
	}
	h.d.Log.WarnContext(ctx, "a file was posted again with an upload form already used; that version removed", "uploadId", id)
	return h.d.Files.DeleteVersion(ctx, key, version)
}
