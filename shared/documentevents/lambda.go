package documentevents

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// NewPublisher is the publisher a function that marks uploads delivers
// with at once: store is its attachments store.
func NewPublisher(f *lambdaenv.Function, store Store) *Publisher {
	return &Publisher{Store: store, Sender: &sqs.DocumentEvents{SQS: sqs.NewClient(f), URL: f.Env["CLAIM_DOCUMENTS_QUEUE_URL"]}, Now: time.Now}
}

// FromEnv builds the document-events function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*outbox.Sweeper, error) {
	f, err := lambdaenv.Load(getenv, "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL", "STACK_NAME")
	if err != nil {
		return nil, err
	}
	store := &dynamo.AttachmentStore{DB: dynamo.NewClient(f), Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}
	return outbox.NewSweeper(f, "documents", NewPublisher(f, store))
}
