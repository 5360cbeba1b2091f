// Command disputes serves the claim disputes API behind API Gateway.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/cases"
)

func main() {
	h, err := cases.DisputesFromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("disputes: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
