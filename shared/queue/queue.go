// Package queue sends messages to SQS queues.
package queue

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

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
