// Command priorauthmetrics publishes, once a day, the CMS-0057-F prior
// authorization figures on the portal's host.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/priorauthmetrics"
)

func main() {
	h, err := priorauthmetrics.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("prior-auth-metrics: %v", err)
	}
	lambda.Start(h.Handle)
}
