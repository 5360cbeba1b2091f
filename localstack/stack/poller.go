package stack

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Poller plays an SQS event source mapping: it long-polls the queue, invokes
// the function with a batch, and deletes what succeeded, with up to
// Concurrency batches in flight (the mapping's MaximumConcurrency). Failed
// messages stay on the queue until their visibility timeout ends, and the
// queue's redrive policy moves one that keeps failing to its dead-letter queue.
type Poller struct {
	Function       string
	SQS            *sqs.Client
	QueueURL       string
	QueueARN       string
	BatchSize      int
	ReportFailures bool
	Concurrency    int
	Fn             SQSFunc
	Log            *slog.Logger
}

// Run polls until ctx ends. One receiver long-polls and hands each batch to
// an invocation of its own, up to Concurrency at once: several receivers
// waiting on one queue would all be woken by every message.
func (p *Poller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, max(p.Concurrency, 1))
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		out, err := p.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    &p.QueueURL,
			MaxNumberOfMessages:         int32(min(p.BatchSize, 10)),
			WaitTimeSeconds:             20, // as Lambda's pollers do; Down cancels the wait
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil || len(out.Messages) == 0 {
			<-slots
			if err != nil && ctx.Err() == nil {
				p.Log.Error("receive failed", "function", p.Function, "error", err.Error())
				time.Sleep(time.Second)
			}
			if ctx.Err() != nil {
				return
			}
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			p.invoke(ctx, out.Messages)
		})
	}
}

func (p *Poller) invoke(ctx context.Context, msgs []types.Message) {
	ev := events.SQSEvent{}
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
			Body: aws.ToString(m.Body), Md5OfBody: aws.ToString(m.MD5OfBody), Attributes: m.Attributes,
			MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSource:       "aws:sqs", EventSourceARN: p.QueueARN, AWSRegion: LocalRegion,
		}
		for k, v := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{DataType: aws.ToString(v.DataType), StringValue: v.StringValue, BinaryValue: v.BinaryValue}
		}
		ev.Records = append(ev.Records, rec)
	}
	resp, err := p.Fn(ctx, ev)
	if err != nil {
		// As in Lambda: the whole batch returns to the queue.
		p.Log.Error("function failed; batch returns to the queue", "function", p.Function, "error", err.Error())
		return
	}
	failed := map[string]bool{}
	if p.ReportFailures {
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
	}
	var entries []types.DeleteMessageBatchRequestEntry
	for i, m := range msgs {
		if !failed[aws.ToString(m.MessageId)] {
			entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
	}
	if len(entries) > 0 {
		if _, err := p.SQS.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &p.QueueURL, Entries: entries}); err != nil {
			p.Log.Error("delete failed", "function", p.Function, "error", err.Error())
		}
	}
}

// WaitIdle waits until the queue has no visible or in-flight messages.
func WaitIdle(ctx context.Context, c *sqs.Client, queueURL string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: &queueURL,
			AttributeNames: []types.QueueAttributeName{
				types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			},
		})
		if err != nil {
			return err
		}
		if out.Attributes["ApproximateNumberOfMessages"] == "0" && out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0" {
			return nil
		}
		if time.Now().After(deadline) {
			return context.DeadlineExceeded
		}
		time.Sleep(50 * time.Millisecond)
	}
}
