// Command claimsingest is the claims feed consumer: it upserts claims and
// members from the core claims system.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/claimsingest"
)

func main() {
	h, err := claimsingest.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("claims-ingest: %v", err)
	}
	lambda.Start(h.Handle)
}
