// Command uploadexpiry removes, on a schedule, uploads never submitted
// within their retention, file and record, and finishes deletions that
// failed half way.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/uploadexpiry"
)

func main() {
	h, err := uploadexpiry.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("upload-expiry: %v", err)
	}
	lambda.Start(h.Handle)
}
