// Command uploads hands out presigned upload forms and tracks each file.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/uploads"
)

func main() {
	h, err := uploads.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("uploads: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
