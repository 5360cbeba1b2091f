package letters

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// PublisherFromEnv builds the letter publisher from a function's
// environment: DOCUMENTS_TABLE, ATTACHMENTS_BUCKET, LETTER_PREFIX
// (letters/), CURSOR_KEY for the list's cursors.
func PublisherFromEnv(f *lambdaenv.Function, db dynamo.TxAPI) (*Publisher, error) {
	files, err := s3.FromEnv(f)
	if err != nil {
		return nil, err
	}
	prefix := f.Getenv("LETTER_PREFIX")
	if prefix == "" {
		prefix = "letters/"
	}
	return &Publisher{Store: &dynamo.LetterStore{DB: db, Table: f.Env["DOCUMENTS_TABLE"], CursorKey: []byte(f.Getenv("CURSOR_KEY"))},
		Files: files, Prefix: prefix, Now: time.Now}, nil
}

// FromEnv builds the Provider Documents API from its environment. Its main
// and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, "DOCUMENTS_TABLE", "ATTACHMENTS_BUCKET", "CURSOR_KEY")
	if err != nil {
		return nil, err
	}
	p, err := PublisherFromEnv(f, dynamo.NewClient(f))
	if err != nil {
		return nil, err
	}
	return New(Deps{Log: f.Log, Publisher: p, Now: time.Now}), nil
}
