// Command authorizations serves the retro authorization API behind API
// Gateway.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/authorizations"
)

func main() {
	h, err := authorizations.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("authorizations: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
