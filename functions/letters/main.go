// Command letters serves Provider Documents (acknowledgement and decision letters) behind API Gateway.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/letters"
)

func main() {
	h, err := letters.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("letters: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
