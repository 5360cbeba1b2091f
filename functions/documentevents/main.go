// Command documentevents sweeps, on a schedule, the document events still
// due to the core claims system and delivers them.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/documentevents"
)

func main() {
	h, err := documentevents.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("document-events: %v", err)
	}
	lambda.Start(h.Handle)
}
