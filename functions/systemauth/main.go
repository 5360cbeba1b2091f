// Command systemauth issues the FHIR routes' access tokens to registered
// systems (SMART Backend Services) behind API Gateway.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/systemauth"
)

func main() {
	h, err := systemauth.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("systemauth: %v", err)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
