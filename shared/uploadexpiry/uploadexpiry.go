// Package uploadexpiry is the upload-expiry function: on a schedule it
// removes uploads never submitted within their retention, file and record,
// and finishes deletions that failed half way.
package uploadexpiry

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

// Expiring is what the expiry sweep needs of the upload records. It acts
// for the plan, not for a provider: no HTTP handler is given it.
type Expiring interface {
	// ExpiredUploads lists unsubmitted uploads due for removal from from to
	// to, soonest first.
	ExpiredUploads(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	// RemoveUpload makes an unsubmitted upload unsubmittable and returns it;
	// nil if it was submitted meanwhile, or is gone.
	RemoveUpload(ctx context.Context, id string) (*portal.Attachment, error)
	ForgetUpload(ctx context.Context, id string) error
}

// Bucket removes every version of a file.
type Bucket interface {
	Delete(ctx context.Context, key string) error
}

// Expirer is the upload-expiry function: on a schedule it removes uploads
// never submitted within their retention, and finishes deletions that
// failed half way (Delete Selected whose file or record could not be
// removed at once): the record is made unsubmittable, then every version of
// the file goes, then the record.
type Expirer struct {
	Log     *slog.Logger
	Uploads Expiring
	Files   Bucket
	Now     func() time.Time
}

// Result is what one sweep did.
type Result struct{ Removed, Failed int }

const expiryPage = 100

// Sweep removes every upload due by now, until none is left or the
// invocation's time is nearly up.
func (e *Expirer) Sweep(ctx context.Context) (Result, error) {
	var res Result
	now := e.Now()
	tried := map[string]bool{}
	var from time.Time
	for {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 5*time.Second {
			return res, nil // the next run goes on
		}
		due, err := e.Uploads.ExpiredUploads(ctx, from, now, expiryPage)
		if err != nil {
			return res, err
		}
		fresh := 0
		for _, d := range due {
			if tried[d.UploadID] {
				continue
			}
			tried[d.UploadID], fresh = true, fresh+1
			if err := e.remove(ctx, d.UploadID); err != nil {
				res.Failed++
				e.Log.ErrorContext(ctx, "expired upload not removed; the next run retries", "uploadId", d.UploadID, "error", err.Error())
				continue
			}
			res.Removed++
		}
		if len(due) < expiryPage || fresh == 0 {
			return res, nil
		}
		from = due[len(due)-1].Since
	}
}

func (e *Expirer) remove(ctx context.Context, id string) error {
	a, err := e.Uploads.RemoveUpload(ctx, id)
	if err != nil || a == nil {
		return err // submitted at the last moment: kept
	}
	if err := e.Files.Delete(ctx, a.ObjectKey); err != nil {
		return err
	}
	return e.Uploads.ForgetUpload(ctx, id)
}

// Handle runs one sweep for the schedule. It fails if any upload could not
// be removed, so that the function's error alarm shows it.
func (e *Expirer) Handle(ctx context.Context, _ events.EventBridgeEvent) error {
	res, err := e.Sweep(ctx)
	e.Log.InfoContext(ctx, "expired uploads swept", "removed", res.Removed, "failed", res.Failed)
	if err == nil && res.Failed > 0 {
		err = errFailedRemovals
	}
	return err
}

var errFailedRemovals = errors.New("some expired uploads could not be removed; the next run retries")

// FromEnv builds the upload-expiry function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Expirer, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AttachmentsTable, lambdaenv.AttachmentsBucket)
	if err != nil {
		return nil, err
	}
	return &Expirer{Log: f.Log, Files: s3.NewFiles(f), Now: time.Now, Uploads: dynamo.NewStores(f).Attachments()}, nil
}
