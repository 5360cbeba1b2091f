// Package processor is the attachment processor: fed by the bucket's
// ObjectCreated notifications, it checks each uploaded file by its content
// and records the verdict; a refused file is deleted.
package processor

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/queue"
	"github.com/openpayer/provider-portal/shared/storage"
)

// Files is the part of the bucket the processor uses.
type Files interface {
	Size(ctx context.Context, key string) (int64, error)
	Object(key string) storage.RangeReader
	Delete(ctx context.Context, key string) error
}

// Handler is the attachment processor function.
type Handler struct {
	Store  portal.AttachmentStore
	Files  Files
	Events portal.DocumentEvents
	Plan   portal.Plan
	Prefix string
	Log    *slog.Logger
}

// Handle checks every object a batch names. A message whose processing
// failed for a passing cause is reported for retry; SQS redrives one that
// keeps failing to the dead-letter queue.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return queue.EachMessage(batch, func(msg events.SQSMessage) error {
		err := h.message(ctx, msg)
		if err != nil {
			h.Log.ErrorContext(ctx, "upload notification failed; will retry", "messageId", msg.MessageId, "error", err.Error())
		}
		return err
	}), nil
}

func (h *Handler) message(ctx context.Context, msg events.SQSMessage) error {
	var ev events.S3Event
	if err := json.Unmarshal([]byte(msg.Body), &ev); err != nil {
		// Not an S3 event: nothing to check, and retrying cannot help.
		h.Log.WarnContext(ctx, "upload queue message is not an S3 event; dropped", "messageId", msg.MessageId)
		return nil
	}
	for _, rec := range ev.Records { // s3:TestEvent has none
		if !strings.HasPrefix(rec.EventName, "ObjectCreated:") {
			continue
		}
		key, err := url.QueryUnescape(rec.S3.Object.Key) // S3 sends keys URL-encoded
		if err != nil {
			h.Log.WarnContext(ctx, "undecodable object key; dropped", "messageId", msg.MessageId)
			continue
		}
		if err := h.object(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

func (h *Handler) object(ctx context.Context, key string) error {
	id, ok := strings.CutPrefix(key, h.Prefix)
	if !ok || !portal.ValidIdentifier(id) {
		h.Log.WarnContext(ctx, "object outside the upload prefix; ignored")
		return nil
	}
	a, err := h.Store.Get(ctx, id)
	if portal.ErrorCode(err) == portal.CodeUploadNotFound {
		// No upload record (deleted before the file landed): no file may
		// stay without one.
		h.Log.WarnContext(ctx, "object without an upload record; deleted", "uploadId", id)
		return h.Files.Delete(ctx, key)
	}
	if err != nil {
		return err
	}
	if a.Status != portal.UploadPending {
		return nil // checked already: a repeated or reordered event changes nothing
	}
	size, err := h.Files.Size(ctx, key)
	if errors.Is(err, storage.ErrNoObject) {
		return nil // deleted since: nothing to check
	}
	if err != nil {
		return err
	}
	obj := h.Files.Object(key)
	var verdict filetype.Verdict
	if size <= h.Plan.MaxUploadBytes {
		if verdict, err = filetype.Detect(ctx, obj, size); err != nil {
			return err
		}
	}
	result := portal.Attachment{Status: portal.UploadAccepted, Size: size, DetectedType: verdict.Type, BytesRead: obj.BytesRead()}
	if code, reason := h.Plan.CheckContent(a.DeclaredType, verdict, size); code != "" {
		result.Status, result.RejectCode, result.RejectReason = portal.UploadRejected, code, reason
	}
	updated, changed, err := h.Store.RecordCheck(ctx, id, result)
	if err != nil || !changed {
		return err
	}
	h.Log.InfoContext(ctx, "upload checked", "uploadId", id, "status", string(updated.Status), "code", updated.RejectCode,
		"detectedType", string(verdict.Type), "size", size, "bytesRead", obj.BytesRead())
	if updated.Status == portal.UploadRejected {
		return h.Files.Delete(ctx, key)
	}
	if updated.ClaimNumber != "" {
		if err := h.Events.Attached(ctx, updated.ClaimNumber, []portal.Attachment{*updated}); err != nil {
			h.Log.ErrorContext(ctx, "document attached but core claims not told", "claimNumber", updated.ClaimNumber, "error", err.Error())
		}
	}
	return nil
}
