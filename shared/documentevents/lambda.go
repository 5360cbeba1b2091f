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
// with at once: store is its attachments store, and the function names
// CLAIM_DOCUMENTS_QUEUE_URL.
func NewPublisher(f *lambdaenv.Function, store Store) *Publisher {
	return &Publisher{Store: store, Now: time.Now,
		Sender: &sqs.DocumentEvents{SQS: sqs.NewClient(f), URL: f.Env.Text(lambdaenv.ClaimDocumentsQueue)}}
}

// FromEnv builds the document-events function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*outbox.Sweeper, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AttachmentsTable, lambdaenv.ClaimDocumentsQueue,
		lambdaenv.StackName, lambdaenv.EventSweepGrace)
	if err != nil {
		return nil, err
	}
	return outbox.NewSweeper(f, "documents", NewPublisher(f, dynamo.NewStores(f).Attachments())), nil
}
