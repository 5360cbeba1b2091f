// Package sqs is the SQS adapter: it sends events to queues, parks messages on
// dead-letter queues, and runs a Lambda SQS batch with partial failures.
package sqs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
)

// NewClient builds the SQS client of a function, at the endpoint its
// environment names (AWS's own unless AWS_ENDPOINT_URL_SQS is set).
func NewClient(f *lambdaenv.Function) *sqs.Client {
	return sqs.NewFromConfig(f.AWS, func(o *sqs.Options) { o.BaseEndpoint = f.Endpoints["SQS"] })
}

// eventQueues names the variable holding the URL of each queue the portal's
// recorded events go to (portal.OutboundEvent.Queue).
var eventQueues = map[string]lambdaenv.Var{
	portal.QueueAppeals:               lambdaenv.AppealsQueue,
	portal.QueueUtilizationManagement: lambdaenv.UMQueue,
	portal.QueueCOB:                   lambdaenv.COBQueue,
	portal.QueueNotifications:         lambdaenv.NotificationsQueue,
}

// NewPublisher delivers a table's recorded events to the named queues, on
// one client: the publisher a writer delivers with at once and its sweep
// retries with. Each queue's variable must be one the function named.
func NewPublisher(f *lambdaenv.Function, store outbox.Events, queues ...string) *outbox.Publisher {
	client := NewClient(f)
	senders := map[string]outbox.Sender{}
	for _, q := range queues {
		v, ok := eventQueues[q]
		if !ok {
			panic(fmt.Sprintf("sqs: no variable names the %q queue", q))
		}
		senders[q] = &EventQueue{SQS: client, URL: f.Env.Text(v)}
	}
	return &outbox.Publisher{Outbox: store, Senders: senders}
}

// NewDeadLetters parks refused messages on the dead-letter queue the
// variable dlq names.
func NewDeadLetters(f *lambdaenv.Function, dlq lambdaenv.Var) *DeadLetters {
	return &DeadLetters{SQS: NewClient(f), URL: f.Env.Text(dlq)}
}

// API is the part of the SQS client the senders use.
type API interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// DeadLetters parks messages that can never succeed on a dead-letter queue,
// with the reason as message attributes, so that operations staff see in the
// console why each one is there.
type DeadLetters struct {
	SQS API
	URL string
}

// Park sends body to the dead-letter queue with its error code and reason.
func (d *DeadLetters) Park(ctx context.Context, body, sourceMessageID, code, reason string) error {
	_, err := d.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    &d.URL,
		MessageBody: &body,
		MessageAttributes: map[string]types.MessageAttributeValue{
			"ErrorCode":       {DataType: aws.String("String"), StringValue: aws.String(code)},
			"ErrorReason":     {DataType: aws.String("String"), StringValue: aws.String(truncate(reason, 1000))},
			"SourceMessageId": {DataType: aws.String("String"), StringValue: aws.String(sourceMessageID)},
		},
	})
	if err != nil {
		return fmt.Errorf("send to dead-letter queue: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// DocumentEvents tells the core claims system, through its queue, that
// documents attached to a claim.
type DocumentEvents struct {
	SQS API
	URL string
}

type attachedDocument struct {
	UploadID  string `json:"uploadId"`
	ObjectKey string `json:"objectKey"`
	// ObjectVersion is the version that was checked: fetch that one.
	ObjectVersion string `json:"objectVersion,omitempty"`
	Type          string `json:"type"`
	Size          int64  `json:"size"`
	SubmissionID  string `json:"submissionId,omitempty"`
	Kind          string `json:"submissionKind,omitempty"`
	Reason        string `json:"submissionReason,omitempty"`
}

// Attached sends the "documents_attached" event for one document on its
// claim, under eventID: every resend carries the same ID, in the body and
// as the EventId message attribute, so the consumer can drop duplicates.
func (d *DocumentEvents) Attached(ctx context.Context, eventID string, a portal.Attachment) error {
	doc := attachedDocument{UploadID: a.ID, ObjectKey: a.ObjectKey, ObjectVersion: a.ObjectVersion, Type: string(a.DetectedType), Size: a.Size}
	if a.Submission != nil {
		doc.SubmissionID, doc.Kind, doc.Reason = a.Submission.ID, string(a.Submission.Kind), a.Submission.Reason
	}
	body, err := json.Marshal(struct {
		EventID     string             `json:"eventId"`
		Type        string             `json:"type"`
		ClaimNumber string             `json:"claimNumber"`
		Documents   []attachedDocument `json:"documents"`
		SentAt      string             `json:"sentAt"`
	}{EventID: eventID, Type: portal.EventDocumentsAttached, ClaimNumber: a.ClaimNumber, Documents: []attachedDocument{doc},
		SentAt: time.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	_, err = d.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &d.URL, MessageBody: aws.String(string(body)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"EventId":   {DataType: aws.String("String"), StringValue: aws.String(eventID)},
			"EventType": {DataType: aws.String("String"), StringValue: aws.String(portal.EventDocumentsAttached)},
		}})
	if err != nil {
		return fmt.Errorf("send documents event: %w", err)
	}
	return nil
}

// EachMessage runs fn on every message of an SQS batch, at most limit at
// once, and reports those it failed as batch item failures, in the batch's
// order, so that SQS retries only them (the event source mapping needs
// ReportBatchItemFailures).
func EachMessage(ctx context.Context, batch events.SQSEvent, limit int, fn func(context.Context, events.SQSMessage) error) events.SQSEventResponse {
	failed := make([]bool, len(batch.Records))
	slots := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i, msg := range batch.Records {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			failed[i] = fn(ctx, msg) != nil
		})
	}
	wg.Wait()
	var resp events.SQSEventResponse
	for i, msg := range batch.Records {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
		}
	}
	return resp
}

// EventQueue sends recorded events to one queue, each with its ID and type
// as the EventId and EventType attributes, so the consumer can drop a
// duplicate.
type EventQueue struct {
	SQS API
	URL string
}

// Send puts the event's body on the queue.
func (q *EventQueue) Send(ctx context.Context, ev portal.OutboundEvent) error {
	_, err := q.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.URL, MessageBody: aws.String(ev.Body),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"EventId":   {DataType: aws.String("String"), StringValue: aws.String(ev.ID)},
			"EventType": {DataType: aws.String("String"), StringValue: aws.String(ev.Type)},
		}})
	if err != nil {
		return fmt.Errorf("send %s event: %w", ev.Type, err)
	}
	return nil
}

// Parker parks a message that can never succeed, with its reason.
type Parker interface {
	Park(ctx context.Context, body, sourceMessageID, code, reason string) error
}

// Reject logs why msg can never be applied and parks it on the dead-letter
// queue with that reason; what is left to retry is an error parking it. The
// reason names fields and codes, never values, so it may be logged.
func Reject(ctx context.Context, log *slog.Logger, dlq Parker, what string, msg events.SQSMessage, pe *portal.Error) error {
	log.WarnContext(ctx, what+" rejected", "messageId", msg.MessageId, "code", pe.Code, "reason", pe.Detail)
	if err := dlq.Park(ctx, msg.Body, msg.MessageId, pe.Code, pe.Detail); err != nil {
		log.ErrorContext(ctx, "could not park rejected "+what, "messageId", msg.MessageId, "error", err.Error())
		return err
	}
	return nil
}
