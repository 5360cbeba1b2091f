// Command claims is the claims workflow's Lambda: claim search and detail.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/claims"
)

func main() {
	h, err := claims.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("claims: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
