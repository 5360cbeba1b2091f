// Command caseevents sweeps, on a schedule, the events to the plan's
// appeals system still due, and the letters not stored yet.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/caseevents"
)

func main() {
	h, err := caseevents.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("case-events: %v", err)
	}
	lambda.Start(h.Handle)
}
