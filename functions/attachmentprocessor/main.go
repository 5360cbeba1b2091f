// Command attachmentprocessor checks each uploaded file by its content,
// triggered by the bucket's ObjectCreated notifications through SQS.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/attachmentprocessor"
)

func main() {
	h, err := attachmentprocessor.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("attachment-processor: %v", err)
	}
	lambda.Start(h.Handle)
}
