// Command attachments takes document submissions (proactive and for denied
// claims) and lists a claim's attached documents.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/attachments"
)

func main() {
	h, err := attachments.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("attachments: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
