package authorizations

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"mime"
	"strings"
	"sync"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Documents a system sends inside a PAS request become uploads like the
// portal's: a pending record, then the file in the attachments bucket
// under the upload prefix, where the malware scan and the attachment
// processor check it as they check every upload. Only the reading here
// differs: the file is in the request already, so its name, type, size and
// content are checked before anything is stored, and every problem is
// answered with the request's.

// Uploads are the upload records inline documents become. Every call is
// scoped to the provider the request acts for.
type Uploads interface {
	CreateUpload(ctx context.Context, a *portal.Attachment) error
	// DeleteUpload marks an upload never submitted as removed: the expiry
	// sweep removes its file and record.
	DeleteUpload(ctx context.Context, provider portal.ProviderID, id string) error
	// Uploads reads the provider's uploads of those IDs in one read, nil
	// where there is none.
	Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error)
}

// Files is where inline documents are written: the attachments bucket.
type Files interface {
	Key(uploadID string) string
	Put(ctx context.Context, key, contentType, fileName string, body []byte) error
}

// inlineDocument is a document a request carries, as the upload it
// becomes, and its bytes.
type inlineDocument struct {
	upload portal.Attachment
	data   []byte
}

// inlineDocuments are a request's documents, checked, with each problem at
// its place in the Bundle; codes names the plan's code of each, for a
// request whose only problem it is.
type inlineDocuments struct {
	docs     []inlineDocument
	problems portal.Problems
	codes    map[string]string
}

// IDs are the uploads' IDs, in the request's order.
func (in *inlineDocuments) IDs() []string {
	var ids []string
	for _, doc := range in.docs {
		ids = append(ids, doc.upload.ID)
	}
	return ids
}

// checkDocuments checks each document as the portal checks an upload's
// name, type and size and then its file's content.
func checkDocuments(ctx context.Context, d Deps, caller httpapi.Caller, docs []pas.Document) (*inlineDocuments, error) {
	now := d.Now().UTC()
	expires := now.Add(cmp.Or(d.Retention, portal.DefaultUploadRetention)).Truncate(time.Second)
	in := &inlineDocuments{problems: portal.Problems{}, codes: map[string]string{}}
	for i, doc := range docs {
		typ, ok := typeOf(doc.ContentType)
		name := documentName(d.Plan, doc.Title, typ, i)
		if !ok {
			name = fmt.Sprintf("document-%d", i+1) // no type the plan takes: answered below
		}
		size := int64(len(doc.Data))
		declared, err := d.Plan.CheckUploadRequest(portal.UploadRequest{FileName: name, Size: portal.Integer(size)})
		if err != nil {
			var pe *portal.Error
			if !errors.As(err, &pe) {
				return nil, err
			}
			at := doc.Where + ".contentType"
			if pe.Code == portal.CodeFileTooLarge {
				at = doc.Where + ".data"
			}
			in.problems.Set(at, pe.Detail)
			in.codes[at] = pe.Code
			continue
		}
		verdict, err := filetype.Detect(ctx, filetype.Bytes(doc.Data), size)
		if err != nil {
			return nil, err
		}
		if code, reason := d.Plan.CheckContent(declared, verdict, size); code != "" {
			in.problems.Set(doc.Where+".data", reason)
			in.codes[doc.Where+".data"] = code
			continue
		}
		id := portal.NewID()
		in.docs = append(in.docs, inlineDocument{data: doc.Data, upload: portal.Attachment{ID: id, Provider: caller.Provider,
			UploadedBy: caller.Subject, FileName: name, DeclaredType: declared, ContentType: filetype.ContentTypes[declared],
			DeclaredSize: size, ObjectKey: d.Files.Key(id), Status: portal.UploadPending, CreatedAt: now, ExpiresAt: &expires}})
	}
	return in, nil
}

// typeOf is the plan's file type of a MIME type (its parameters, such as
// a charset, aside).
func typeOf(contentType string) (filetype.Type, bool) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", false
	}
	for t, ct := range filetype.ContentTypes {
		if ct == mt {
			return t, true
		}
	}
	return "", false
}

// documentName is the file name a document is kept under: its title when
// that is a plain file name of its type, the title with the type's
// extension when it is a label, else document-N.
func documentName(p portal.Plan, title string, t filetype.Type, i int) string {
	ext := "." + string(t)
	title = strings.TrimSpace(title)
	for _, name := range []string{title, title + ext} {
		if got, ok := filetype.FromFileName(name); title == "" || !ok || got != t {
			continue
		}
		if _, err := p.CheckUploadRequest(portal.UploadRequest{FileName: name, Size: 1}); err == nil {
			return name
		}
	}
	return fmt.Sprintf("document-%d%s", i+1, ext)
}

// withDocuments is the plan's answer to the request (err, nil if it
// passed) with the documents' problems: every one at once.
func (in *inlineDocuments) withDocuments(err error) error {
	if in == nil || len(in.problems) == 0 {
		return err
	}
	var pe *portal.Error
	if err == nil {
		return in.problems.ErrCoded(in.codes)
	}
	if !errors.As(err, &pe) || (pe.Kind != portal.KindInvalid && pe.Code != portal.CodeDocumentsRequired) {
		return err
	}
	merged := portal.Problems{}
	maps.Copy(merged, pe.Fields)
	if pe.Code == portal.CodeDocumentsRequired {
		delete(merged, "uploadIds") // documents were sent: their problems say why none was taken
	}
	if len(merged) == 0 {
		return in.problems.ErrCoded(in.codes)
	}
	maps.Copy(merged, in.problems)
	out := merged.Err().(*portal.Error)
	out.Code = portal.CodeInvalidAuthRequest
	return out
}

// store writes each document's record, then its file, as the portal's
// upload does (no file arrives for an upload nobody knows). If any fails,
// those written are removed.
func (in *inlineDocuments) store(ctx context.Context, d Deps) error {
	if in == nil {
		return nil
	}
	errs := make([]error, len(in.docs))
	var wg sync.WaitGroup
	for i := range in.docs {
		wg.Go(func() {
			doc := &in.docs[i]
			if errs[i] = d.Uploads.CreateUpload(ctx, &doc.upload); errs[i] == nil {
				errs[i] = d.Files.Put(ctx, doc.upload.ObjectKey, doc.upload.ContentType, doc.upload.FileName, doc.data)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		in.forget(ctx, d)
		return fmt.Errorf("store inline documents: %w", err)
	}
	return nil
}

// forget removes the documents of a request that was not made (a
// duplicate, or a failure): marked removed, their files and records go
// with the expiry sweep, as an upload deleted at the portal does. One
// never written or submitted after all is left as it is.
func (in *inlineDocuments) forget(ctx context.Context, d Deps) {
	if in == nil {
		return
	}
	for _, doc := range in.docs {
		err := d.Uploads.DeleteUpload(ctx, doc.upload.Provider, doc.upload.ID)
		if c := portal.ErrorCode(err); err != nil && c != portal.CodeUploadNotFound && c != portal.CodeUploadSubmitted {
			d.Log.WarnContext(ctx, "inline document not removed; the expiry sweep will", "uploadId", doc.upload.ID, "error", err.Error())
		}
	}
}

// refusedDocuments are the request's documents the file checks refused
// (the malware scan's verdict comes after the request was made): the
// system that sent them hears of it in its next answer.
func refusedDocuments(ctx context.Context, d Deps, a *portal.Authorization) ([]pas.Refusal, error) {
	if len(a.Documents) == 0 || d.Uploads == nil {
		return nil, nil
	}
	stored, err := d.Uploads.Uploads(ctx, a.Provider, a.Documents)
	if err != nil {
		return nil, err
	}
	var out []pas.Refusal
	for _, u := range stored {
		if u != nil && u.Status == portal.UploadRejected {
			out = append(out, pas.Refusal{FileName: u.FileName, Reason: u.RejectReason})
		}
	}
	return out, nil
}
