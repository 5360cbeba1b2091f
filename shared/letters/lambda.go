package letters

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
	"github.com/openpayer/provider-portal/shared/s3"
)

// NewPublisher builds the letter publisher of a function that names
// ATTACHMENTS_BUCKET and LETTER_PREFIX: it renders the letters of store
// and keeps their PDFs in the bucket.
func NewPublisher(f *lambdaenv.Function, store *dynamo.LetterStore) *Publisher {
	return &Publisher{Store: store, Files: s3.NewFiles(f), Prefix: f.Env.Prefix(lambdaenv.LetterPrefix), Now: time.Now}
}

// FromEnv builds the Provider Documents API from its environment. Its main
// and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.DocumentsTable, lambdaenv.AttachmentsBucket, lambdaenv.CursorKeySecret, lambdaenv.OriginVerifySecret,
		lambdaenv.LetterPrefix, lambdaenv.DownloadLinkTTL)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	db.Cursors = origin.CursorKeys(f)
	return origin.Front(f, New(Deps{Log: f.Log, Publisher: NewPublisher(f, db.LetterList()), Now: time.Now})), nil
}
